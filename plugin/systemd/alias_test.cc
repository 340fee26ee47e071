// The alias rules as a table: for each unit, what each Alias= value gives.
#include "systemd/alias.h"

#include <gtest/gtest.h>

namespace bootassess::systemd {
namespace {

struct Row {
  const char* unit;
  const char* alias;
  AliasVerdict verdict;
  const char* link;  // for ok: the link made; nullptr: the alias as written
};

constexpr AliasVerdict ok = AliasVerdict::ok;
constexpr AliasVerdict self = AliasVerdict::self;
constexpr AliasVerdict bad = AliasVerdict::cannot_alias;
constexpr AliasVerdict reference = AliasVerdict::invalid_reference;

const Row kTable[] = {
    // A plain unit: plain aliases of its own type.
    {"plain.service", "alias.service", ok, nullptr},
    {"plain.service", "plain.service", self, nullptr},
    {"plain.service", "alias.socket", bad, nullptr},
    {"plain.service", "alias@.service", bad, nullptr},
    {"plain.service", "alias@inst.service", bad, nullptr},
    {"plain.service", "not a name", bad, nullptr},
    {"plain.service", "alias.mount", bad, nullptr},
    // Legacy directory forms: only .wants/ and .requires/, only its own name.
    {"plain.service", "foo.target.wants/plain.service", ok, nullptr},
    {"plain.service", "foo.target.requires/plain.service", ok, nullptr},
    {"plain.service", "foo@.target.wants/plain.service", ok, nullptr},
    {"plain.service", "foo.target.wants/other.service", bad, nullptr},
    {"plain.service", "foo.target.wants/plain.socket", bad, nullptr},
    {"plain.service", "foo.target.wants/plain@.service", bad, nullptr},
    {"plain.service", "foo.target.upholds/plain.service", reference, nullptr},
    {"plain.service", "foo.target.conflicts/plain.service", reference, nullptr},
    {"plain.service", "foo.target/plain.service", reference, nullptr},
    {"plain.service", "not-a-unit.wants/plain.service", reference, nullptr},
    {"plain.service", "a/b.target.wants/plain.service", reference, nullptr},

    // A template: template aliases, or a fixed instance of one.
    {"template1@.service", "alias.service", bad, nullptr},
    {"template1@.service", "alias@.service", ok, nullptr},
    {"template1@.service", "alias@inst.service", ok, nullptr},
    {"template1@.service", "alias@.socket", bad, nullptr},
    {"template1@.service", "template1@.service", self, nullptr},
    {"template1@.service", "foo.target.wants/template1@.service", bad, nullptr},
    {"template1@.service", "foo@.target.wants/template1@.service", ok, nullptr},
    {"template1@.service", "foo.target.wants/template1@inst.service", ok, nullptr},
    {"template1@.service", "foo@.target.requires/template1@inst.service", ok, nullptr},
    {"template1@.service", "foo.target.wants/template2@inst.service", bad, nullptr},

    // An instance: a template alias takes the instance.
    {"template3@inst.service", "alias.service", bad, nullptr},
    {"template3@inst.service", "alias@.service", ok, "alias@inst.service"},
    {"template3@inst.service", "alias@inst.service", ok, nullptr},
    {"template3@inst.service", "alias@other.service", bad, nullptr},
    {"template3@inst.service", "alias@.socket", bad, "alias@inst.socket"},
    {"template3@inst.service", "template3@inst.service", self, nullptr},
    {"template3@inst.service", "template3@.service", self, "template3@inst.service"},
    {"template3@inst.service", "foo.target.wants/template3@inst.service", ok, nullptr},
    {"template3@inst.service", "foo@.target.wants/template3@inst.service", ok, nullptr},
    {"template3@inst.service", "foo.target.wants/template3@.service", bad, nullptr},
    {"template3@inst.service", "foo.target.wants/template3@other.service", bad, nullptr},

    // Types: devices may have aliases but no templates; mounts neither.
    {"d.device", "e.device", ok, nullptr},
    {"d.device", "e@.device", bad, nullptr},
    {"t.timer", "u.timer", ok, nullptr},
    {"m.mount", "n.mount", bad, nullptr},
};

const char* verdict_name(AliasVerdict v) {
  switch (v) {
    case AliasVerdict::ok:
      return "ok";
    case AliasVerdict::self:
      return "self";
    case AliasVerdict::cannot_alias:
      return "cannot_alias";
    case AliasVerdict::invalid_reference:
      return "invalid_reference";
  }
  return "?";
}

TEST(SystemdAlias, VerificationTable) {
  for (const Row& row : kTable) {
    SCOPED_TRACE(std::string(row.unit) + " as " + row.alias);
    const AliasCheck check = verify_alias(row.unit, row.alias);
    EXPECT_STREQ(verdict_name(check.verdict), verdict_name(row.verdict));
    EXPECT_EQ(check.link, row.link != nullptr ? row.link : row.alias);
  }
}

TEST(SystemdAlias, PropagationIsReported) {
  EXPECT_TRUE(verify_alias("a@x.service", "b@.service").propagated);
  EXPECT_FALSE(verify_alias("a@.service", "b@.service").propagated);
  EXPECT_FALSE(verify_alias("a@x.service", "b@x.service").propagated);
}

TEST(SystemdAlias, SymlinksOnDisk) {
  // A symlink in the search path named like an alias of its target.
  EXPECT_EQ(check_alias_symlink("alias.service", "real.service"), AliasVerdict::ok);
  EXPECT_EQ(check_alias_symlink("real.service", "real.service"), AliasVerdict::self);
  EXPECT_EQ(check_alias_symlink("odd.service", "real.socket"), AliasVerdict::cannot_alias);
  EXPECT_EQ(check_alias_symlink("i@x.service", "t@.service"), AliasVerdict::ok);
  EXPECT_EQ(check_alias_symlink("t@.service", "i@x.service"), AliasVerdict::cannot_alias);
  EXPECT_EQ(check_alias_symlink("alias.service", "real.service.orig"), AliasVerdict::cannot_alias);
}

}  // namespace
}  // namespace bootassess::systemd
