#include "boot/boot_counting.h"

#include <gtest/gtest.h>

#include "boot/boot_mode.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

TEST(BootCounting, ParsesTheEntryCounter) {
  std::optional<BootCount> c = parse_counted_entry("active+2-1.conf");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->entry, "active.conf");
  EXPECT_EQ(c->left, 2U);
  EXPECT_EQ(c->done, 1U);

  c = parse_counted_entry("active+3.efi");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->entry, "active.efi");
  EXPECT_EQ(c->left, 3U);
  EXPECT_EQ(c->done, 0U);

  c = parse_counted_entry("kairos+v1+0-3.conf");  // the last '+' starts the counter
  ASSERT_TRUE(c);
  EXPECT_EQ(c->entry, "kairos+v1.conf");
  EXPECT_EQ(c->left, 0U);
  EXPECT_EQ(c->done, 3U);
}

TEST(BootCounting, RefusesNamesWithoutAValidCounter) {
  for (const char* name :
       {"active.conf", "active+.conf", "active+-1.conf", "active+2-.conf", "active+x.conf",
        "active+2-1", "active+2-1.txt", "+3.conf", "active+2-1-1.conf", "active+ 2.conf",
        "active+99999999999999999999.conf"}) {
    EXPECT_FALSE(parse_counted_entry(name)) << name;
  }
}

TEST(BootCounting, DecodesTheVariableAsEfivarfsShowsIt) {
  std::string error;
  const std::string path = "\\loader\\entries\\active+2-1.conf";
  const std::string bytes = encode_boot_count_variable(path);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x07\0\0\0", 4));
  ASSERT_EQ(bytes.size(), 4 + 2 * (path.size() + 1));
  EXPECT_EQ(bytes.substr(4, 4), std::string("\\\0l\0", 4));
  EXPECT_EQ(bytes.substr(bytes.size() - 2), std::string("\0\0", 2));
  std::optional<BootCount> c = decode_boot_count_variable(bytes, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->path, "\\loader\\entries\\active+2-1.conf");
  EXPECT_EQ(c->entry, "active.conf");
  EXPECT_EQ(c->left, 2U);
  EXPECT_EQ(c->done, 1U);

  c = decode_boot_count_variable(encode_boot_count_variable("\\EFI\\Linux\\active+3.efi"), error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->entry, "active.efi");
  EXPECT_EQ(c->left, 3U);
}

TEST(BootCounting, RefusesMalformedVariablesWithAReason) {
  const std::string good = encode_boot_count_variable("\\loader\\entries\\active+2-1.conf");
  struct Case {
    std::string bytes;
    std::string_view reason;
  };
  const std::vector<Case> cases{
      {"", "fewer than the 4 attribute bytes"},
      {std::string("\x07\0\0", 3), "fewer than the 4 attribute bytes"},
      {good.substr(0, good.size() - 1), "odd number of bytes"},
      {good.substr(0, good.size() - 2), "not NUL-terminated"},
      {good + std::string("a\0", 2), "after its terminating NUL"},
      {encode_boot_count_variable("\\loader\\entries\\active.conf"), "no +LEFT[-DONE] counter"},
      {encode_boot_count_variable("loader\\entries\\active+1.conf"), "not an absolute ESP path"},
      {std::string("\x07\0\0\0", 4) + std::string("\\\0\xe9\0a\0+\0"
                                                  "1\0.\0e\0f\0i\0\0\0",
                                                  20),
       "U+00E9"},
      {std::string("\x07\0\0\0", 4) + std::string("\\\0\x3d\xd8"
                                                  "a\0\0\0",
                                                  8),
       "U+D83D"},
      {std::string("\x07\0\0\0\0\0", 6), "not an absolute ESP path"},
  };
  for (const Case& c : cases) {
    std::string error;
    EXPECT_FALSE(decode_boot_count_variable(c.bytes, error)) << c.reason;
    EXPECT_NE(error.find(c.reason), std::string::npos) << error;
  }
}

TEST(BootCounting, DetectsCountingInTheRoot) {
  MemoryRoot root;
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  std::string error;
  Counting c = detect_counting(root, error);
  EXPECT_FALSE(c.counted);
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(describe_counting(c), "not counted");

  root.add_file(std::string(kBootCountVariable),
                encode_boot_count_variable("\\loader\\entries\\passive+1-2.conf"));
  c = detect_counting(root, error);
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_TRUE(c.counted);
  EXPECT_FALSE(c.simulated);
  EXPECT_EQ(describe_counting(c), "counted (passive.conf, 1 try left, 2 done)");
}

TEST(BootCounting, AMalformedVariableIsAnErrorAndNeverCounted) {
  MemoryRoot root;
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  root.add_file(std::string(kBootCountVariable), "garbage");
  std::string error;
  const Counting c = detect_counting(root, error);
  EXPECT_FALSE(c.counted);
  EXPECT_NE(error.find("odd number of bytes"), std::string::npos) << error;
  EXPECT_NE(error.find("not counted"), std::string::npos) << error;

  MemoryRoot big;
  big.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  big.add_dir("/sys/firmware/efi/efivars");
  big.add_file(std::string(kBootCountVariable), std::string(5000, 'x'));
  error.clear();
  EXPECT_FALSE(detect_counting(big, error).counted);
  EXPECT_NE(error.find("too large"), std::string::npos) << error;

  MemoryRoot dir;
  dir.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  dir.add_dir("/sys/firmware/efi/efivars").add_dir(std::string(kBootCountVariable));
  error.clear();
  EXPECT_FALSE(detect_counting(dir, error).counted);
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST(BootCounting, FollowsSymlinksInsideTheRootOnly) {
  MemoryRoot root;
  root.add_dir("/sys").add_link("/sys/firmware", "/elsewhere").add_dir("/elsewhere");
  root.add_dir("/elsewhere/efi").add_dir("/elsewhere/efi/efivars");
  root.add_file("/elsewhere/efi/efivars/LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f",
                encode_boot_count_variable("\\loader\\entries\\active+3.conf"));
  std::string error;
  EXPECT_TRUE(detect_counting(root, error).counted) << error;
}

TEST(BootCounting, SimulationShowsOrHidesTheVariable) {
  MemoryRoot root;
  root.add_dir("/sys");
  SimulatedFiles counted(root);
  simulate_counting(counted, true);
  std::string error;
  EXPECT_TRUE(detect_counting(counted, error).counted) << error;
  EXPECT_TRUE(counted.lstat("/sys/firmware/efi/efivars"));
  EXPECT_EQ(counted.list_dir("/sys").value(), std::vector<std::string>{"firmware"});

  MemoryRoot real;
  real.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  real.add_dir("/sys/firmware/efi/efivars");
  real.add_file(std::string(kBootCountVariable),
                encode_boot_count_variable("\\loader\\entries\\active+3.conf"));
  SimulatedFiles uncounted(real);
  simulate_counting(uncounted, false);
  EXPECT_FALSE(detect_counting(uncounted, error).counted);
  EXPECT_TRUE(uncounted.list_dir("/sys/firmware/efi/efivars").value().empty());
}

TEST(BootCounting, ModeAndCountingSimulateTogether) {
  MemoryRoot root;
  root.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/passive_mode", "1");
  SimulatedFiles view(root);
  simulate_mode(view, BootMode::active);
  simulate_counting(view, true);
  EXPECT_EQ(detect_mode(view), BootMode::active);
  EXPECT_FALSE(view.lstat("/run/cos/passive_mode"));
  EXPECT_EQ(view.list_dir("/run/cos").value(), std::vector<std::string>{"active_mode"});
  std::string error;
  EXPECT_TRUE(detect_counting(view, error).counted);
  // The root lacks /sys: the simulation makes the directories it needs.
  EXPECT_EQ(view.list_dir("/").value(), (std::vector<std::string>{"run", "sys"}));
}

}  // namespace
}  // namespace bootassess
