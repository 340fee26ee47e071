// A TCP server on 127.0.0.1 at an ephemeral port, run by a thread of the
// test: what the tcp and http probes are tested against.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "root/fd.h"

namespace bootassess::testing {

// A socket bound to 127.0.0.1 on an ephemeral port, not listening (a
// connection to it is refused).
Fd bound_socket(std::uint16_t& port);

// To each connection it sends `answer` once the request's head (up to a
// blank line) has arrived, and closes it; with `silent`, it accepts and
// never answers (the connection stays open until the server goes).
class Server {
 public:
  explicit Server(std::string answer, bool silent = false);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  std::uint16_t port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // The last request received.
  std::string request();

 private:
  void serve();

  std::string answer_;
  bool silent_;
  std::uint16_t port_ = 0;
  Fd listener_;
  Fd stop_read_;
  Fd stop_write_;
  std::mutex mutex_;
  std::string request_;
  std::thread thread_;
};

}  // namespace bootassess::testing
