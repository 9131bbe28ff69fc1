// process_* metrics from /proc/self, named as the Prometheus client libraries
// name them so standard dashboards work.
#include <dirent.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "service/http/metrics.h"

namespace ohlcv {
namespace {

void Family(std::string* out, std::string_view name, std::string_view help, std::string_view type, double v) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, FormatMetricValue(v));
}

// Fields of /proc/self/stat after the command name (field 3 onward).
bool ReadStat(std::vector<std::string>* fields) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');  // the command may contain spaces and ')'
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string f;
  while (rest >> f) fields->push_back(f);
  return fields->size() > 21;
}

double BootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  double v = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> v;
      return v;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

void AppendProcessMetrics(std::string* out) {
  std::vector<std::string> f;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (ReadStat(&f)) {
    // Indices: field N of proc(5) is f[N - 3].
    double utime = std::stod(f[11]), stime = std::stod(f[12]);
    double start_ticks = std::stod(f[19]);
    double vsize = std::stod(f[20]);
    double rss_pages = std::stod(f[21]);
    Family(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
          (utime + stime) / ticks);
    Family(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", rss_pages * page);
    Family(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", vsize);
    double boot = BootTime();
    if (boot > 0) {
      Family(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
            boot + start_ticks / ticks);
    }
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    int n = 0;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
    Family(out, "process_open_fds", "Number of open file descriptors.", "gauge", n - 1);  // minus opendir's own
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    Family(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge",
          static_cast<double>(lim.rlim_cur));
  }
}

}  // namespace ohlcv
