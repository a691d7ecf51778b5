from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.services import person_create
from schoolkeep.tenancy.services import invitation_accept, invitation_create


def _invite_and_accept(personas, email):
    _, token = invitation_create(school=personas.school, email=email, full_name="Nia New",
                                 roles=["staff"], actor=personas.siro, send_email=False)
    return invitation_accept(token=token, full_name="Nia New",
                             password="a-long-enough-passphrase-42")


def test_joining_by_invitation_links_the_person_with_the_same_email(personas):
    person = person_create(school=personas.school, actor=personas.siro, full_name="Nia New",
                           kind=PersonKind.TEACHING, staff_number="N1",
                           email="Nia.New@oakfield.example")
    user = _invite_and_accept(personas, "nia.new@oakfield.example")
    assert Person.objects.get(pk=person.pk).user == user


def test_two_people_with_that_email_are_left_for_the_person_page(personas):
    for number in ("N1", "N2"):
        person_create(school=personas.school, actor=personas.siro, full_name="Nia New",
                      kind=PersonKind.TEACHING, staff_number=number,
                      email="nia.new@oakfield.example")
    _invite_and_accept(personas, "nia.new@oakfield.example")
    assert not Person.objects.filter(user__isnull=False, email="nia.new@oakfield.example")
