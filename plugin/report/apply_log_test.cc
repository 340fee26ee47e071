#include "report/apply_log.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "load/loader.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

// Fails every write, succeeds otherwise: a disk that refuses files.
class FailingWrites final : public ActionExecutor {
 public:
  ActionResult execute(const Action& a) override {
    if (a.kind == ActionKind::write) return {false, false, "cannot write " + a.path + ": EIO"};
    return {true, true, {}};
  }
};

// The log of one planner run over `yaml`, as `apply` prints it.
std::string apply_log(const std::string& yaml) {
  Diagnostics diagnostics;
  std::optional<Document> doc = load_document("t.yaml", yaml, diagnostics);
  EXPECT_TRUE(doc);
  Source source;
  if (doc) source.documents.push_back(*doc);
  testing::MemoryRoot root;
  FailingWrites executor;
  std::FILE* out = std::tmpfile();
  ApplyLog log(Verbosity::normal, false, out);
  Planner planner(root, PlanOptions{}, executor, [&](const PlanEvent& e) { log.event(e); });
  planner.run({source});
  log.summary("mode active");
  std::string text(static_cast<std::size_t>(std::ftell(out)), '\0');
  std::rewind(out);
  EXPECT_EQ(std::fread(text.data(), 1, text.size(), out), text.size());
  std::fclose(out);
  return text;
}

TEST(ApplyLogTest, AFailedWriteCountsOnce) {
  const std::string log = apply_log(R"(stages:
  initramfs:
    - files:
        - {path: /a, permissions: 0644, content: a}
        - {path: /b, permissions: 0644, content: b}
      directories:
        - {path: /d, permissions: 0755}
)");
  EXPECT_NE(log.find("mode active: 1 changed, 0 unchanged, 0 skipped, 2 errors\n"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace bootassess
