// The expected orders here are the ones yip v1.23.3 printed for the same
// files (`yip -a -s initramfs DIR`, which lists its graph's layers), chrooted
// with the files under /cfg/d; see doc/yip.md on `after:`.
#include "plan/step_order.h"

#include <gtest/gtest.h>

#include <utility>

#include "load/loader.h"

namespace bootassess {
namespace {

// A directory source: each (base name, text) becomes /cfg/d/<base name>.
Source directory(const std::vector<std::pair<std::string, std::string>>& files) {
  Source source;
  source.argument = "/cfg/d";
  for (const auto& [base, text] : files) {
    Diagnostics diagnostics;
    std::optional<Document> doc = load_document("/cfg/d/" + base, text, diagnostics);
    EXPECT_TRUE(doc) << base;
    if (!doc) continue;
    doc->yip_file = "/cfg/d/" + base;
    source.documents.push_back(std::move(*doc));
  }
  return source;
}

// "<base name>.<step label>" of each step in order.
std::vector<std::string> labels(const StepOrder& order) {
  std::vector<std::string> out;
  for (const OrderedStep& s : order.steps) {
    std::string file = s.document->file.substr(s.document->file.rfind('/') + 1);
    out.push_back(file + "." + s.step->label(s.index));
  }
  return out;
}

std::vector<std::string> rules(const StepOrder& order) {
  std::vector<std::string> out;
  for (const Diagnostic& d : order.diagnostics.items())
    out.push_back(d.where.str() + " " + d.rule);
  return out;
}

using Strings = std::vector<std::string>;

// The findings for a directory whose initramfs stage yip would crash on.
Strings refusals(const std::vector<std::pair<std::string, std::string>>& files) {
  const Source s = directory(files);
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_TRUE(order.refused);
  EXPECT_TRUE(order.steps.empty());
  return rules(order);
}

TEST(StepOrderTest, WithoutAfterFilesRunInOrder) {
  const Source s = directory({{"a.yaml", "stages:\n  initramfs:\n    - name: one\n    - {}\n"},
                              {"b.yaml", "stages:\n  initramfs:\n    - name: two\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused);
  EXPECT_EQ(labels(order), (Strings{"a.yaml.one", "a.yaml.#1", "b.yaml.two"}));
  EXPECT_TRUE(order.diagnostics.empty());
}

TEST(StepOrderTest, AfterMovesAStepBehindALaterFile) {
  const Source s = directory({{"10_a.yaml",
                               "stages:\n  initramfs:\n    - name: one\n    - name: two\n"
                               "      after: [{name: /cfg/d/20_b.yaml.first}]\n"},
                              {"20_b.yaml", "stages:\n  initramfs:\n    - name: first\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused);
  EXPECT_EQ(labels(order), (Strings{"10_a.yaml.one", "20_b.yaml.first", "10_a.yaml.two"}));
}

// A file with no step in the stage breaks the chain between files: the next
// file's steps wait for nothing, and run beside the first file's.
TEST(StepOrderTest, AFileWithoutTheStageBreaksTheChain) {
  const Source s =
      directory({{"00.yaml", "stages:\n  initramfs:\n    - name: s0\n    - name: s1\n"},
                 {"01.yaml", "stages:\n  boot:\n    - name: b\n"},
                 {"02.yaml", "stages:\n  initramfs:\n    - name: t0\n    - {}\n"}});
  EXPECT_EQ(labels(yip_step_order(s, "initramfs")),
            (Strings{"00.yaml.s0", "02.yaml.t0", "00.yaml.s1", "02.yaml.#1"}));
  // The boot stage has only 01's step.
  EXPECT_EQ(labels(yip_step_order(s, "boot")), (Strings{"01.yaml.b"}));
}

// yip's layers: 1 {01.b0}; 2 {00.a0, 01.b1}; 3 {01.b2, 00.a1}; 4 {02.c0}.
// A step named by a forward `after:` gets no edge to herd's init node, so
// b0 is in the first layer.
TEST(StepOrderTest, LayersAsYipComputesThem) {
  const Source s = directory(
      {{"00.yaml",
        "stages:\n  initramfs:\n    - name: a0\n      after: [{name: /cfg/d/01.yaml.b0}]\n"
        "    - name: a1\n      after: [{name: /cfg/d/01.yaml.b1}, {name: /cfg/d/00.yaml.a0}]\n"},
       {"01.yaml", "stages:\n  initramfs:\n    - name: b0\n    - name: b1\n    - name: b2\n"},
       {"02.yaml", "stages:\n  initramfs:\n    - name: c0\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused);
  EXPECT_EQ(labels(order), (Strings{"01.yaml.b0", "00.yaml.a0", "01.yaml.b1", "00.yaml.a1",
                                    "01.yaml.b2", "02.yaml.c0"}));
}

TEST(StepOrderTest, NamesAsYipFormsThem) {
  // Duplicated names make every step `<name>.<index>` ("" for unnamed ones);
  // a lone unnamed step is its index; a top-level name replaces the path.
  const Source s = directory(
      {{"4.yaml",
        "stages:\n  initramfs:\n    - name: dup\n    - name: dup\n    - name: \"1\"\n    - {}\n"
        "    - {}\n"},
       {"5.yaml", "name: cfg\nstages:\n  initramfs:\n    - name: x\n    - {}\n"},
       {"6.yaml",
        "stages:\n  initramfs:\n    - name: last\n      after:\n"
        "        - name: /cfg/d/4.yaml.dup.0\n        - name: /cfg/d/4.yaml.dup.1\n"
        "        - name: /cfg/d/4.yaml.1.2\n        - name: /cfg/d/4.yaml..3\n"
        "        - name: /cfg/d/4.yaml..4\n        - name: cfg.x\n        - name: cfg.1\n"
        "        - name: init\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused) << testing::PrintToString(rules(order));
  EXPECT_EQ(order.steps.back().step->name, "last");
}

TEST(StepOrderTest, TheThirdEqualNameReplacesTheSecond) {
  // yip renames the second `same.s` to `same.s.1`, and the third too: herd
  // keeps the later operation under that name (only x1 and x3 are written).
  auto file = [](int n) {
    return std::pair{std::to_string(n) + ".yaml",
                     "name: same\nstages:\n  initramfs:\n    - name: s\n"};
  };
  const Source s = directory({file(1), file(2), file(3)});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused);
  EXPECT_EQ(labels(order), (Strings{"1.yaml.s", "3.yaml.s"}));
  EXPECT_EQ(rules(order), (Strings{"/cfg/d/2.yaml:4:7 step-name-clash"}));
}

TEST(StepOrderTest, AnUnknownNameIsRefusedAtItsEntry) {
  const Source s = directory(
      {{"00.yaml",
        "stages:\n  initramfs:\n    - name: s0\n    - name: s1\n      after: [{name: nothere}]\n"
        "    - name: s2\n      after:\n        - {}\n        - name: 00.yaml.s0\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_TRUE(order.refused);
  EXPECT_TRUE(order.steps.empty());
  EXPECT_EQ(rules(order),
            (Strings{"/cfg/d/00.yaml:5:15 after-unknown", "/cfg/d/00.yaml:8:11 after-unknown",
                     "/cfg/d/00.yaml:9:11 after-unknown"}));
  // The base name instead of yip's path gets a suggestion.
  EXPECT_EQ(order.diagnostics.items().back().fix, "did you mean `/cfg/d/00.yaml.s0`?");
}

TEST(StepOrderTest, AStepOfAnotherStageOrSourceIsUnknown) {
  const Source s = directory({{"00.yaml",
                               "stages:\n  boot:\n    - name: b\n  initramfs:\n"
                               "    - name: i\n      after: [{name: /cfg/d/00.yaml.b}]\n"}});
  EXPECT_TRUE(yip_step_order(s, "initramfs").refused);
  EXPECT_FALSE(yip_step_order(s, "boot").refused);
}

// A forward reference within a file: the step after it waits for it through
// the chain, so the edge closes a cycle (yip: nil pointer, nothing written).
TEST(StepOrderTest, AForwardReferenceInAFileIsACycle) {
  EXPECT_EQ(refusals({{"00.yaml",
                       "stages:\n  initramfs:\n    - name: s0\n    - name: s1\n"
                       "      after: [{name: /cfg/d/00.yaml.s2}]\n    - name: s2\n"}}),
            (Strings{"/cfg/d/00.yaml:5:15 after-cycle"}));
}

// Two `after:` entries naming each other across files.
TEST(StepOrderTest, AMutualAfterIsACycle) {
  EXPECT_EQ(
      refusals(
          {{"a.yaml",
            "stages:\n  initramfs:\n    - name: x\n      after: [{name: /cfg/d/b.yaml.y}]\n"},
           {"b.yaml",
            "stages:\n  initramfs:\n    - name: y\n      after: [{name: /cfg/d/a.yaml.x}]\n"}}),
      (Strings{"/cfg/d/b.yaml:4:15 after-cycle"}));
}

// A cross-file forward reference from a step that the rest of its file waits
// for: the later file waits for that rest, which closes the cycle on the
// implicit edge; the error still points at the `after:` entry.
TEST(StepOrderTest, ACycleThroughImplicitEdgesPointsAtTheAfterEntry) {
  EXPECT_EQ(
      refusals({{"a.yaml",
                 "stages:\n  initramfs:\n    - name: x\n      after: [{name: /cfg/d/b.yaml.y}]\n"
                 "    - name: z\n"},
                {"b.yaml", "stages:\n  initramfs:\n    - name: y\n"}}),
      (Strings{"/cfg/d/a.yaml:4:15 after-cycle"}));
}

TEST(StepOrderTest, ASelfReferenceIsRefused) {
  EXPECT_EQ(refusals({{"00.yaml",
                       "stages:\n  initramfs:\n    - name: s0\n    - name: s1\n"
                       "      after: [{name: /cfg/d/00.yaml.s1}]\n"}}),
            (Strings{"/cfg/d/00.yaml:5:15 after-self"}));
}

// yip adds a step of its own at the front of a #cloud-config file's
// initramfs stage (the hostname), and ignores the file's top-level name.
TEST(StepOrderTest, CloudConfigFilesHaveYipsOwnFirstStep) {
  const Source s =
      directory({{"a.yaml",
                  "#cloud-config\nname: ignored\nstages:\n  initramfs:\n    - {}\n    - name: b\n"
                  "      after: [{name: /cfg/d/a.yaml..1}]\n"
                  "    - name: c\n      after: [{name: /cfg/d/a.yaml..0}]\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused) << testing::PrintToString(rules(order));
  EXPECT_EQ(labels(order), (Strings{"a.yaml.#0", "a.yaml.c", "a.yaml.b"}));
}

// yip ran a.one and a.two (one layer) in either order from run to run when
// both wrote one file.
TEST(StepOrderTest, WritesOfOneLayerAreARace) {
  const Source s =
      directory({{"10-a.yaml",
                  "stages:\n  initramfs:\n    - name: one\n"
                  "      files: [{path: /etc/x, permissions: 0644}]\n    - name: two\n"
                  "      after: [{name: /cfg/d/30-c.yaml.first}]\n"
                  "      files: [{path: /etc//x, permissions: 0644}]\n"
                  "    - name: three\n      files: [{path: /etc/x, permissions: 0644}]\n"},
                 {"20-b.yaml", "stages:\n  boot:\n    - name: later\n"},
                 {"30-c.yaml",
                  "stages:\n  initramfs:\n    - name: first\n"
                  "      files: [{path: /etc/x, permissions: 0644}]\n"}});
  const StepOrder order = yip_step_order(s, "initramfs");
  EXPECT_FALSE(order.refused);
  EXPECT_EQ(labels(order),
            (Strings{"30-c.yaml.first", "10-a.yaml.one", "10-a.yaml.two", "10-a.yaml.three"}));
  EXPECT_EQ(rules(order), (Strings{"/cfg/d/10-a.yaml:7:15 after-concurrent"}));
}

TEST(StepOrderTest, LongChainsStayLinear) {
  // Two files of many steps: yip adds an edge from each step of the second
  // to each of the first; the order must still come out quickly and right.
  std::string a = "stages:\n  initramfs:\n";
  for (int i = 0; i < 10000; ++i)
    a += "    - name: s" + std::to_string(i) + "\n";
  const Source s = directory({{"a.yaml", a}, {"b.yaml", a}});
  const StepOrder order = yip_step_order(s, "initramfs");
  ASSERT_EQ(order.steps.size(), 20000u);
  EXPECT_EQ(labels(order)[10000], "b.yaml.s0");
  EXPECT_EQ(labels(order)[9999], "a.yaml.s9999");
}

}  // namespace
}  // namespace bootassess
