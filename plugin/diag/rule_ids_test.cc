#include "diag/rule_ids.h"

#include <gtest/gtest.h>

#include <cctype>

namespace bootassess {
namespace {

TEST(RuleIdsTest, EveryIdIsLowercaseWordsJoinedByDashes) {
  for (std::string_view rule : kRuleIds) {
    ASSERT_FALSE(rule.empty());
    EXPECT_NE(rule.front(), '-') << rule;
    EXPECT_NE(rule.back(), '-') << rule;
    EXPECT_EQ(rule.find("--"), std::string_view::npos) << rule;
    for (char c : rule)
      EXPECT_TRUE(c == '-' || std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)))
          << rule;
  }
}

TEST(RuleIdsTest, KnowsTheListedIdsOnly) {
  EXPECT_TRUE(is_rule_id("unknown-key"));
  EXPECT_TRUE(is_rule_id(kRuleIds[0]));
  EXPECT_FALSE(is_rule_id("unknown-keys"));
  EXPECT_FALSE(is_rule_id(""));
}

}  // namespace
}  // namespace bootassess
