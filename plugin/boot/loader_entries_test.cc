#include "boot/loader_entries.h"

#include <gtest/gtest.h>

#include "boot/efi_variable.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

MemoryRoot with_efivars() {
  MemoryRoot root;
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  return root;
}

void add_esp(MemoryRoot& root, const std::string& esp) {
  root.add_dir(esp).add_dir(esp + "/loader").add_dir(esp + "/loader/entries");
}

TEST(LoaderEntries, AnEntryNameIsSplitIntoItsIdAndCounter) {
  const LoaderEntry exhausted = parse_loader_entry("active+0-3.conf");
  EXPECT_EQ(exhausted.id, "active.conf");
  EXPECT_TRUE(exhausted.counted);
  EXPECT_EQ(exhausted.left, 0u);
  EXPECT_EQ(exhausted.done, 3u);
  EXPECT_TRUE(exhausted.exhausted());
  const LoaderEntry fresh = parse_loader_entry("passive+3.conf");
  EXPECT_EQ(fresh.id, "passive.conf");
  EXPECT_EQ(fresh.left, 3u);
  EXPECT_FALSE(fresh.exhausted());
  const LoaderEntry blessed = parse_loader_entry("recovery.conf");
  EXPECT_EQ(blessed.id, "recovery.conf");
  EXPECT_FALSE(blessed.counted);
  EXPECT_FALSE(blessed.exhausted());
  // Not a counter: the name is the id.
  EXPECT_FALSE(parse_loader_entry("a+b.conf").counted);
}

TEST(LoaderEntries, TheSortKeyIsTheLastSortKeyLine) {
  EXPECT_EQ(entry_sort_key("title Kairos\nsort-key 0002\nlinux /k\n"), "0002");
  EXPECT_EQ(entry_sort_key("  sort-key\t0003  \r\nsort-key 0001\n"), "0001");
  EXPECT_EQ(entry_sort_key("sort-keys 9\nsort-key\n"), "");
  EXPECT_EQ(entry_sort_key(""), "");
}

TEST(LoaderEntries, PreferenceFollowsSortKeysThenKairosNamesThenIdsDescending) {
  LoaderEntry active = parse_loader_entry("active+0-3.conf");
  LoaderEntry passive = parse_loader_entry("passive+2-1.conf");
  // Without sort-keys read, Kairos' own are assumed.
  EXPECT_TRUE(prefers(active, passive));
  EXPECT_FALSE(prefers(passive, active));
  // Sort-keys read from the files win.
  active.sort_key = "0009";
  passive.sort_key = "0002";
  EXPECT_TRUE(prefers(passive, active));
  // An entry with a sort-key comes before one without.
  LoaderEntry other = parse_loader_entry("zzz.conf");
  EXPECT_TRUE(prefers(active, other));
  EXPECT_FALSE(prefers(other, active));
  // Ids without sort-keys: the higher version first, as systemd-boot does.
  EXPECT_TRUE(prefers(parse_loader_entry("linux-6.10.conf"), parse_loader_entry("linux-6.9.conf")));
}

TEST(LoaderEntries, ListVariablesDecodeAndRoundTrip) {
  std::string error;
  const std::vector<std::string> ids{"active+0-3.conf", "passive+2-1.conf",
                                     "auto-reboot-to-firmware-setup"};
  auto decoded = decode_efi_string_list_variable(encode_efi_string_list_variable(ids), error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_EQ(*decoded, ids);
  decoded = decode_efi_string_list_variable(encode_efi_string_list_variable({}), error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_TRUE(decoded->empty());
  // Odd UTF-16, a last id without its NUL, a character that is not ASCII.
  EXPECT_FALSE(decode_efi_string_list_variable(std::string("\x07\0\0\0a\0b", 7), error));
  EXPECT_NE(error.find("odd number of bytes"), std::string::npos) << error;
  EXPECT_FALSE(decode_efi_string_list_variable(std::string("\x07\0\0\0a\0\0\0b\0", 10), error));
  EXPECT_NE(error.find("not NUL-terminated"), std::string::npos) << error;
  EXPECT_FALSE(decode_efi_string_list_variable(std::string("\x07\0\0\0\x3d\xd8\0\0", 8), error));
  EXPECT_NE(error.find("U+D83D"), std::string::npos) << error;
}

TEST(LoaderEntries, FactsComeFromTheVariablesAndTheFirstMountedEsp) {
  MemoryRoot root = with_efivars();
  root.add_file(std::string(kLoaderEntriesVariable),
                encode_efi_string_list_variable({"active+0-3.conf", "passive+3.conf"}));
  root.add_file(std::string(kLoaderEntrySelectedVariable),
                encode_efi_string_variable("passive+3.conf"));
  root.add_file(std::string(kLoaderEntryDefaultVariable),
                encode_efi_string_variable("active.conf"));
  root.add_dir("/boot");  // no loader/entries: not the ESP
  add_esp(root, "/efi");
  root.add_file("/efi/loader/entries/active+0-3.conf", "title a\nsort-key 0001\n");
  root.add_file("/efi/loader/entries/passive+2-1.conf", "title p\nsort-key 0002\n");
  root.add_file("/efi/loader/entries/notes.txt", "not an entry");
  const LoaderFacts facts = read_loader_facts(root);
  EXPECT_TRUE(facts.problems.empty());
  EXPECT_EQ(facts.entries, (std::vector<std::string>{"active+0-3.conf", "passive+3.conf"}));
  EXPECT_EQ(facts.selected, "passive+3.conf");
  EXPECT_EQ(facts.default_entry, "active.conf");
  EXPECT_FALSE(facts.oneshot);
  EXPECT_EQ(facts.esp, "/efi");
  ASSERT_EQ(facts.esp_entries.size(), 2u);
  EXPECT_EQ(facts.esp_entries[0].file, "active+0-3.conf");
  EXPECT_EQ(facts.esp_entries[0].sort_key, "0001");
  EXPECT_EQ(facts.esp_entries[1].sort_key, "0002");
  EXPECT_EQ(facts.esp_entries[1].done, 1u);
}

TEST(LoaderEntries, AnEspNamedThatHoldsNoEntriesIsAProblem) {
  MemoryRoot root;
  root.add_dir("/mnt");
  const LoaderFacts facts = read_loader_facts(root, "/mnt");
  EXPECT_TRUE(facts.esp.empty());
  ASSERT_EQ(facts.problems.size(), 1u);
  EXPECT_EQ(facts.problems[0].file, "/mnt");
}

TEST(LoaderEntries, HostileVariablesAndEntriesAreBoundedProblems) {
  MemoryRoot root = with_efivars();
  // A variable far too large, one that is a directory, one that is odd
  // UTF-16, and a symlink that climbs out of the root (it stays inside).
  root.add_file(std::string(kLoaderEntriesVariable), std::string(100 * 1024, 'x'));
  root.add_dir(std::string(kLoaderEntryDefaultVariable));
  root.add_file(std::string(kLoaderEntryOneShotVariable), std::string("\x07\0\0\0a", 5));
  root.add_link(std::string(kLoaderEntrySelectedVariable), "../../../../../../etc/shadow");
  root.add_dir("/boot");
  add_esp(root, "/boot/efi");
  root.add_file("/boot/efi/loader/entries/huge+1.conf", std::string(200 * 1024, 's'));
  root.add_link("/boot/efi/loader/entries/out+1.conf", "/../../../../etc/passwd");
  root.add_dir("/boot/efi/loader/entries/dir+1.conf");
  const LoaderFacts facts = read_loader_facts(root);
  EXPECT_TRUE(facts.entries.empty());
  EXPECT_FALSE(facts.selected);
  EXPECT_FALSE(facts.default_entry);
  EXPECT_FALSE(facts.oneshot);
  EXPECT_EQ(facts.esp, "/boot/efi");
  // Every entry is still listed by name (its counter is in the name); none
  // has a sort-key, since none could be read.
  ASSERT_EQ(facts.esp_entries.size(), 3u);
  for (const LoaderEntry& e : facts.esp_entries)
    EXPECT_EQ(e.sort_key, "") << e.file;
  std::string all;
  for (const LoaderProblem& p : facts.problems)
    all += p.file + ": " + p.why + "\n";
  EXPECT_NE(all.find("LoaderEntries-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: 102400 bytes, too large"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: not a regular file"),
            std::string::npos)
      << all;
  EXPECT_NE(
      all.find("LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: the value has an odd"),
      std::string::npos)
      << all;
  EXPECT_NE(all.find("huge+1.conf: 204800 bytes, too large for an entry file"), std::string::npos)
      << all;
  EXPECT_NE(all.find("out+1.conf: not a regular file inside the root"), std::string::npos) << all;
  EXPECT_NE(all.find("dir+1.conf: not a regular file inside the root"), std::string::npos) << all;
  // The symlink out of the root names a file that is not there inside it:
  // no variable, and no problem either.
  EXPECT_EQ(all.find("LoaderEntrySelected"), std::string::npos) << all;
}

// systemd-boot never writes an empty entry id: an empty string variable is
// a problem, not an entry named "".
TEST(LoaderEntries, AnEmptyEntryIdIsAProblem) {
  MemoryRoot root = with_efivars();
  root.add_file(std::string(kLoaderEntrySelectedVariable), encode_efi_string_variable(""));
  root.add_file(std::string(kLoaderEntryDefaultVariable), encode_efi_string_variable(""));
  const LoaderFacts facts = read_loader_facts(root);
  EXPECT_FALSE(facts.selected);
  EXPECT_FALSE(facts.default_entry);
  std::string all;
  for (const LoaderProblem& p : facts.problems)
    all += p.file + ": " + p.why + "\n";
  EXPECT_NE(all.find("LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: the value is "
                     "empty, not an entry id"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: the value is "
                     "empty, not an entry id"),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace bootassess
