#include "root/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

namespace bootassess {
namespace {

// A pipe whose writer sends `data` in one go from another thread.
std::string read_pipe(const std::string& data, std::size_t reserve, std::size_t max_bytes,
                      ReadResult& result) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fds[1], data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  std::string out = "prefix:";
  out.reserve(out.size() + reserve);
  result = read_to_end(fds[0], out, max_bytes);
  ::close(fds[0]);
  writer.join();
  return out;
}

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

TEST(ReadToEndTest, AppendsEverythingWhateverWasReserved) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                           std::size_t{4097}, std::size_t{200000}}) {
    for (std::size_t reserve : {std::size_t{0}, std::size_t{100}, size, size + 5000}) {
      const std::string data = pattern(size);
      ReadResult result = ReadResult::error;
      const std::string out = read_pipe(data, reserve, size, result);
      EXPECT_EQ(result, ReadResult::ok) << size << " " << reserve;
      EXPECT_EQ(out, "prefix:" + data) << size << " " << reserve;
    }
  }
}

TEST(ReadToEndTest, StopsOnceMoreThanTheLimitWouldBeRead) {
  for (std::size_t reserve : {std::size_t{0}, std::size_t{10000}, std::size_t{100000}}) {
    ReadResult result = ReadResult::ok;
    read_pipe(pattern(50000), reserve, 49999, result);
    EXPECT_EQ(result, ReadResult::too_large) << reserve;
  }
}

TEST(ReadToEndTest, AFailedReadIsAnError) {
  const int fd = ::open("/", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  std::string out;
  EXPECT_EQ(read_to_end(fd, out, 100), ReadResult::error);
  EXPECT_EQ(errno, EISDIR);
  ::close(fd);
}

}  // namespace
}  // namespace bootassess
