#!/usr/bin/env python3
"""Bytes per bar of a bar store's bars in the schema-1 layout (issue 16 baseline).

Rewrites every bar of a schema-2 bars.db (store/sqlite_bar_codec.h encoding)
into a fresh file with the schema-1 `bars` table (text ticker key, REAL
columns), one ticker at a time in a shuffled order as parallel ingest threads
interleave them, and prints bars, file size and bytes per bar.

Usage: bench/bar_store_v1_size.py SRC_BARS_DB [DEST_DB]   (default /tmp/bars-v1-layout.db)
"""
import os
import random
import sqlite3
import sys

src_path = sys.argv[1]
dst_path = sys.argv[2] if len(sys.argv) > 2 else '/tmp/bars-v1-layout.db'
src = sqlite3.connect(f'file:{src_path}?mode=ro', uri=True)
for f in (dst_path, dst_path + '-wal'):
    if os.path.exists(f):
        os.remove(f)
dst = sqlite3.connect(dst_path)
dst.executescript('''PRAGMA journal_mode=WAL;
CREATE TABLE bars(ticker TEXT NOT NULL, interval INTEGER NOT NULL, ts INTEGER NOT NULL,
  open REAL, high REAL, low REAL, close REAL, volume REAL, adj_close REAL,
  PRIMARY KEY(ticker, interval, ts)) WITHOUT ROWID;''')


def price(v):
    return v / 100 if isinstance(v, int) else v  # whole cents are stored as integers


def volume(v):
    return float(v) if isinstance(v, int) else v


series = src.execute('SELECT id, ticker, interval FROM series').fetchall()
random.Random(1).shuffle(series)
n = 0
for sid, ticker, interval in series:
    rows = src.execute('SELECT ts, open, high, low, close, volume, adj_close FROM bars WHERE series=? ORDER BY ts',
                       (sid,)).fetchall()
    dst.executemany('INSERT INTO bars VALUES(?,?,?,?,?,?,?,?,?)',
                    [(ticker, interval, r[0], price(r[1]), price(r[2]), price(r[3]), price(r[4]), volume(r[5]),
                      price(r[6])) for r in rows])
    dst.commit()
    n += len(rows)
dst.execute('PRAGMA wal_checkpoint(TRUNCATE)')
dst.close()
size = os.path.getsize(dst_path)
print(f'{n} bars, {size} bytes, {size / n:.1f} bytes/bar')
