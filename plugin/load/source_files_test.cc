#include "load/source_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "load/loader.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::TempDir;
using testing::write_text;

TEST(SourceFilesTest, WalksLikeYip) {
  TempDir tmp;
  write_text(tmp / "d/b.yaml", "");
  write_text(tmp / "d/a/z.yml", "");
  write_text(tmp / "d/c.txt", "");
  write_text(tmp / "d/.hidden.yaml", "");
  std::filesystem::create_directory_symlink(tmp / "d/a", tmp / "d/linked");
  SourceFiles listed = list_source_files(tmp / "d");
  EXPECT_TRUE(listed.errors.empty());
  EXPECT_EQ(listed.files, (std::vector<std::string>{tmp / "d/.hidden.yaml", tmp / "d/a/z.yml",
                                                    tmp / "d/b.yaml"}));
}

TEST(SourceFilesTest, OnlyRegularFilesAreRead) {
  TempDir tmp;
  testing::make_dirs(tmp / "d/sub");
  std::filesystem::create_directory_symlink(tmp / "d/sub", tmp / "d/dir.yaml");
  ASSERT_EQ(::mkfifo((tmp / "d/fifo.yaml").c_str(), 0600), 0);
  std::filesystem::create_symlink("/dev/zero", tmp / "d/zero.yaml");
  std::string text, error;
  for (const char* name : {"d/dir.yaml", "d/fifo.yaml", "d/zero.yaml"}) {
    EXPECT_FALSE(read_source_file(tmp / name, text, error)) << name;
    EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  }
  write_text(tmp / "big.yaml", std::string(kMaxSourceBytes + 1, '#'));
  EXPECT_FALSE(read_source_file(tmp / "big.yaml", text, error));
  EXPECT_NE(error.find("larger than"), std::string::npos) << error;
  // A source skipped for its size says so by its rule.
  Diagnostics big;
  EXPECT_TRUE(load_source(tmp / "big.yaml", big).failed);
  ASSERT_EQ(big.items().size(), 1u);
  EXPECT_EQ(big.items()[0].rule, "source-too-large");

  Diagnostics diagnostics;
  Source source = load_source(tmp / "d", diagnostics);
  EXPECT_TRUE(source.failed);
  EXPECT_TRUE(source.documents.empty());
}

// All the sources of a run share one budget: the source that does not fit
// is skipped whole, with an error; the ones before it are kept.
TEST(SourceFilesTest, SourcesShareOneInputBudget) {
  TempDir tmp;
  const std::string doc = "stages:\n  initramfs:\n    - name: x\n";
  write_text(tmp / "one.yaml", doc);
  write_text(tmp / "two/a.yaml", doc);
  write_text(tmp / "two/b.yaml", doc);
  InputBudget budget{doc.size() * 2};
  Diagnostics diagnostics;
  Source one = load_source(tmp / "one.yaml", diagnostics, budget);
  EXPECT_FALSE(one.failed);
  EXPECT_EQ(one.documents.size(), 1u);
  EXPECT_EQ(budget.left, doc.size());
  Source two = load_source(tmp / "two", diagnostics, budget);
  EXPECT_TRUE(two.failed);
  EXPECT_TRUE(two.documents.empty());  // a.yaml fitted, but the source is skipped whole
  bool reported = false;
  for (const Diagnostic& d : diagnostics.items()) {
    reported = reported || (d.rule == "source-too-large" &&
                            d.message.find("b.yaml: the sources of this run hold more than 32 "
                                           "MiB") != std::string::npos);
  }
  EXPECT_TRUE(reported);
}

TEST(SourceFilesTest, AliasTricksFailCleanly) {
  Diagnostics d1;
  EXPECT_TRUE(load_document("self.yaml", "a: &x [ *x ]\nstages: {}\n", d1));  // not a loop
  Diagnostics d2;
  EXPECT_FALSE(load_document("self2.yaml", "stages: &x\n  initramfs: *x\n", d2));

  std::string laughs = "a0: &a0 [x]\n";
  for (int i = 1; i < 12; ++i) {
    // Appended piece by piece: `"a" + std::to_string(i)` trips GCC 12's
    // -Wrestrict false positive at -O3.
    const std::string name = std::to_string(i);
    laughs.append("a").append(name).append(": &a").append(name).append(" [");
    for (int k = 0; k < 10; ++k)
      laughs.append(k ? ", *a" : "*a").append(std::to_string(i - 1));
    laughs += "]\n";
  }
  Diagnostics d3;
  EXPECT_TRUE(load_document("laughs.yaml", laughs + "stages: {}\n", d3));  // never expanded

  // An alias expanded along the schema: 1000 steps of 100 files of 100 kB.
  std::string expand =
      "f: &f {path: /x, permissions: 0644, content: \"" + std::string(100000, 'A') + "\"}\nl: &l [";
  for (int k = 0; k < 100; ++k)
    expand += k ? ", *f" : "*f";
  expand += "]\ns: &s {files: *l}\nstages:\n  initramfs: [";
  for (int k = 0; k < 1000; ++k)
    expand += k ? ", *s" : "*s";
  expand += "]\n";
  Diagnostics d4;
  EXPECT_FALSE(load_document("expand.yaml", expand, d4));
  bool reported = false;
  for (const Diagnostic& d : d4.items())
    reported |= d.message.find("aliases") != std::string::npos;
  EXPECT_TRUE(reported);
}

// yip names a directory's files by filepath.Join(dir, name), which cleans
// the path (`yip -a ./cfg//d/` printed `cfg/d/a.yml.s`); a file argument is
// named as written.
TEST(SourceFilesTest, DocumentsCarryTheFileNameYipUses) {
  TempDir tmp;
  write_text(tmp / "d/sub/b.yaml", "stages: {}\n");
  write_text(tmp / "d/a.yml", "stages: {}\n");
  Diagnostics diagnostics;
  const Source dir = load_source(tmp.path() + "/./d//", diagnostics);
  ASSERT_EQ(dir.documents.size(), 2u);
  EXPECT_EQ(dir.documents[0].yip_file, tmp / "d/a.yml");
  EXPECT_EQ(dir.documents[1].yip_file, tmp / "d/sub/b.yaml");
  const Source file = load_source(tmp.path() + "/d/../d/a.yml", diagnostics);
  ASSERT_EQ(file.documents.size(), 1u);
  EXPECT_EQ(file.documents[0].yip_file, tmp.path() + "/d/../d/a.yml");
}

}  // namespace
}  // namespace bootassess
