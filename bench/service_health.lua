-- wrk script: GET /health on keep-alive connections.
wrk.method = "GET"
wrk.headers["Connection"] = "keep-alive"
