#include "systemd/unit_name.h"

#include <gtest/gtest.h>

namespace bootassess::systemd {
namespace {

TEST(SystemdUnitName, Classes) {
  EXPECT_EQ(classify_unit_name("foo.service"), NameClass::plain);
  EXPECT_EQ(classify_unit_name("foo@.service"), NameClass::template_name);
  EXPECT_EQ(classify_unit_name("foo@bar.service"), NameClass::instance);
  // Further '@' belong to the instance.
  EXPECT_EQ(classify_unit_name("a@b@c.service"), NameClass::instance);
  EXPECT_EQ(classify_unit_name("a:b_c-d\\x2d.service"), NameClass::plain);
  EXPECT_EQ(classify_unit_name("a.b.service"), NameClass::plain);
  EXPECT_EQ(classify_unit_name("x.target.wants.target"), NameClass::plain);
}

TEST(SystemdUnitName, InvalidNames) {
  for (const char* name :
       {"", "foo", ".service", "@x.service", "@.service", "foo.SERVICE", "foo.bogus", "a+b.service",
        "foo bar.service", "foo@bar", "foo/bar.service", "foo.service/"}) {
    EXPECT_EQ(classify_unit_name(name), NameClass::invalid) << name;
  }
}

TEST(SystemdUnitName, LengthLimit) {
  const std::string longest = std::string(247, 'x') + ".service";  // 255 bytes
  EXPECT_TRUE(is_valid_unit_name(longest));
  EXPECT_FALSE(is_valid_unit_name("x" + longest));
}

TEST(SystemdUnitName, Types) {
  EXPECT_EQ(unit_type_of("a.socket"), UnitType::socket);
  EXPECT_EQ(unit_type_of("a@.timer"), UnitType::timer);
  EXPECT_EQ(unit_type_of("a.bogus"), std::nullopt);
  EXPECT_EQ(unit_type_from_string("automount"), UnitType::automount);
  EXPECT_EQ(unit_type_name(UnitType::slice), "slice");
  for (UnitType t : {UnitType::service, UnitType::socket, UnitType::target, UnitType::device,
                     UnitType::timer, UnitType::path}) {
    EXPECT_TRUE(unit_type_may_alias(t)) << unit_type_name(t);
  }
  for (UnitType t :
       {UnitType::mount, UnitType::automount, UnitType::swap, UnitType::slice, UnitType::scope}) {
    EXPECT_FALSE(unit_type_may_alias(t)) << unit_type_name(t);
  }
  EXPECT_FALSE(unit_type_may_template(UnitType::device));
  EXPECT_FALSE(unit_type_may_template(UnitType::mount));
  EXPECT_TRUE(unit_type_may_template(UnitType::path));
}

TEST(SystemdUnitName, TemplatesAndInstances) {
  EXPECT_EQ(template_of("foo@bar.service"), "foo@.service");
  EXPECT_EQ(template_of("foo@.service"), "foo@.service");
  EXPECT_EQ(template_of("a@b@c.socket"), "a@.socket");
  EXPECT_EQ(template_of("foo.service"), std::nullopt);
  EXPECT_EQ(instance_of("foo@bar.service"), "bar");
  EXPECT_EQ(instance_of("a@b@c.service"), "b@c");
  EXPECT_EQ(instance_of("foo@.service"), "");
  EXPECT_EQ(instance_of("foo.service"), std::nullopt);
  EXPECT_EQ(replace_instance("foo@.service", "x"), "foo@x.service");
  EXPECT_EQ(replace_instance("foo@y.service", "x"), "foo@x.service");
  EXPECT_EQ(replace_instance("foo@.service", "bad/inst"), std::nullopt);
  EXPECT_EQ(replace_instance("foo@.service", ""), std::nullopt);
  EXPECT_EQ(replace_instance("foo.service", "x"), std::nullopt);
  EXPECT_EQ(replace_instance("foo@.service", std::string(250, 'i')), std::nullopt);
  EXPECT_TRUE(is_valid_instance("a@b:c\\x20"));
  EXPECT_FALSE(is_valid_instance("a b"));
}

TEST(SystemdUnitName, PrefixAndSuffix) {
  EXPECT_EQ(unit_prefix("foo@bar.service"), "foo");
  EXPECT_EQ(unit_prefix("a-b-c.service"), "a-b-c");
  EXPECT_EQ(unit_prefix("a.b.socket"), "a.b");
  EXPECT_EQ(strip_unit_suffix("foo@bar.service"), "foo@bar");
  EXPECT_EQ(strip_unit_suffix("foo@.service"), "foo@");
}

TEST(SystemdUnitName, MangleKeepsValidNames) {
  const auto m = mangle_unit_name("foo.socket");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "foo.socket");
  EXPECT_FALSE(m->escaped);
}

TEST(SystemdUnitName, MangleAppendsServiceSuffix) {
  EXPECT_EQ(mangle_unit_name("test1")->name, "test1.service");
  EXPECT_EQ(mangle_unit_name("foo.bogus")->name, "foo.bogus.service");
  EXPECT_EQ(mangle_unit_name("foo.SERVICE")->name, "foo.SERVICE.service");
  EXPECT_EQ(mangle_unit_name(".service")->name, ".service.service");
  EXPECT_EQ(mangle_unit_name("foo@bar")->name, "foo@bar.service");
}

TEST(SystemdUnitName, MangleEscapes) {
  auto m = mangle_unit_name("a+b");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "a\\x2bb.service");
  EXPECT_TRUE(m->escaped);
  EXPECT_FALSE(m->glob);
  EXPECT_EQ(mangle_unit_name("bad name")->name, "bad\\x20name.service");
  EXPECT_EQ(mangle_unit_name("caf\xc3\xa9")->name, "caf\\xc3\\xa9.service");
  m = mangle_unit_name("foo*");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->glob);
  EXPECT_EQ(m->name, "foo\\x2a.service");
}

TEST(SystemdUnitName, MangleRefuses) {
  EXPECT_FALSE(mangle_unit_name(""));
  EXPECT_FALSE(mangle_unit_name("@x"));
  EXPECT_FALSE(mangle_unit_name("@x.service"));
  EXPECT_FALSE(mangle_unit_name(std::string(248, 'x') + ".service"));
  EXPECT_TRUE(mangle_unit_name(std::string(247, 'x') + ".service"));
}

}  // namespace
}  // namespace bootassess::systemd
