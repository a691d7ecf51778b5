from schoolkeep.tenancy.selectors import access_list_for_user


def test_trust_admin_reads_trust_school_but_not_other(personas):
    accesses = access_list_for_user(personas.trust_admin)
    assert [a.school.slug for a in accesses] == ["oakfield"]
    assert accesses[0].read_only
    assert not accesses[0].can("scr.sensitive.view")


def test_siro_can_manage_members(personas):
    (access,) = access_list_for_user(personas.siro)
    assert access.can("members.manage")
    assert access.needs_mfa
