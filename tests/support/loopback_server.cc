#include "support/loopback_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace bootassess::testing {

Fd bound_socket(std::uint16_t& port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Fd();
  socklen_t size = sizeof addr;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &size);
  port = ntohs(addr.sin_port);
  return fd;
}

Server::Server(std::string answer, bool silent) : answer_(std::move(answer)), silent_(silent) {
  listener_ = bound_socket(port_);
  if (listener_.ok() && ::listen(listener_.get(), 16) != 0) listener_.reset();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    stop_read_ = Fd(fds[0]);
    stop_write_ = Fd(fds[1]);
  }
  thread_ = std::thread([this] { serve(); });
}

Server::~Server() {
  stop_write_.reset();
  thread_.join();
}

std::string Server::request() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return request_;
}

void Server::serve() {
  if (!listener_.ok() || !stop_read_.ok()) return;
  std::vector<Fd> held;
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    Fd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn.ok()) continue;
    if (silent_) {
      held.push_back(std::move(conn));
      continue;
    }
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos) {
      pollfd p[2] = {{conn.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
      if (::poll(p, 2, 10000) <= 0 || p[1].revents != 0) break;
      const ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      request_ = got;
    }
    if (::send(conn.get(), answer_.data(), answer_.size(), MSG_NOSIGNAL) < 0) continue;
  }
}

}  // namespace bootassess::testing
