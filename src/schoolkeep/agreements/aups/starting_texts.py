"""A starting text for each audience's acceptable use policy, in the Markdown subset of
markdown.py. Written for Schoolkeep from the duties the school's online security policy names
(data security, passwords, network access, reporting incidents); the school edits it before
publishing it."""

from __future__ import annotations

from schoolkeep.agreements.aups.models import Audience

_STAFF = """\
# Acceptable use policy for staff

This policy is for everyone who works at the school and uses its computers, network, Wi-Fi \
or online systems: employees, agency and supply workers, contractors and volunteers. Please \
read it carefully. By signing it you agree to follow it.

## Keeping information safe

- I will treat all information about pupils, families and colleagues as confidential, and \
use it only for my work at the school.
- I will keep personal data on the school's systems. I will not copy it to my own devices, \
personal e-mail or personal cloud storage.
- I will only take **Protect** or **Restricted** information off the school site when I have \
to, and only when it is encrypted. I will use the school's approved remote access instead of \
carrying data on memory sticks or laptops wherever I can.
- I will send personal data only by the ways the school has approved, and use pupils' \
initials rather than full names in e-mails wherever possible.
- I will lock paper records away when I am not using them and shred them when they are no \
longer needed.

## Passwords and accounts

- I will use only my own username and password, and I will keep my password private. I will \
never share it, write it where others can see it, or let anyone else use my account.
- I will choose strong passwords, change them when the school asks me to, and change a \
password straight away if I think someone else knows it.
- I will use two-step sign-in where the school has turned it on.
- I will lock or sign out of any computer before I leave it, even for a moment.

## Using the network and devices

- I will use the school's network, Wi-Fi and equipment for my work, and for personal use only \
as the school allows.
- I will not try to get into systems, files or areas of the network I have not been given \
access to, or try to get round the school's filtering and security.
- I will not install software or connect devices to the school network unless the school's IT \
support has agreed.
- I will look after any school equipment I borrow, keep it secure, and return it when asked.
- I understand that the school monitors the use of its network and systems to keep people and \
information safe.

## Reporting problems

- I will report straight away to the headteacher, the business manager or the data protection \
officer anything that may have put personal data at risk: a lost or stolen device, an e-mail \
sent to the wrong person, a suspicious message, or a password I think has been seen.
- I will report any concern about a pupil's safety online to the designated safeguarding lead.

I understand that breaking this policy may lead to my access being withdrawn and to action \
under the school's disciplinary procedures.
"""

_GOVERNORS = """\
# Acceptable use policy for governors

This policy is for governors, trustees and members who use the school's systems, network, \
Wi-Fi or governance documents. By signing it you agree to follow it.

## Keeping information safe

- I will keep confidential everything I learn about pupils, staff and families through my role, \
during my time as a governor and afterwards.
- I will keep governance papers that contain personal data in the school's approved systems, \
and not download or print them unless I need to. I will store any copies securely and destroy \
them safely when they are no longer needed.
- I will not share governing board papers or discussions outside the board unless the board \
has agreed.
- I will use the e-mail account or portal the school gives me for governance business, not my \
personal or work e-mail.

## Passwords and accounts

- I will keep my username and password private and never let anyone else use my account.
- I will choose a strong password and change it straight away if I think someone else knows it.
- I will use two-step sign-in where the school has turned it on.
- I will sign out of school systems when I finish, especially on a shared device.

## Using the network and devices

- I will use the school's network and Wi-Fi only for school business while I am on site.
- I will not try to reach information I do not need for my role as a governor.
- I will keep any device I use for governance business protected with a password or PIN and up \
to date.

## Reporting problems

- I will tell the headteacher or the data protection officer straight away if I lose papers or a \
device with school information on it, send information to the wrong person, or think my account \
has been used by someone else.
"""

_PARENTS = """\
# Acceptable use policy for parents and carers

The school gives parents and carers access to some of its online services, and sometimes to its \
Wi-Fi when you are on site. This policy explains what we ask of you when you use them. By \
signing it you agree to follow it.

## Keeping information safe

- I will keep private any information the school sends me about my child, and not share \
information or photographs of other children or families that I see through school services.
- I will not post photographs or videos of school events that show other children online, \
unless the school has said this is allowed.

## Passwords and accounts

- I will keep my login details for school services private and not share them with anyone else.
- I will choose a strong password and change it if I think someone else knows it.

## Using the network and Wi-Fi

- When I use the school's Wi-Fi, I will use it only for lawful and appropriate purposes and I \
will not try to get round the school's filtering or security.
- I understand that the school may monitor the use of its network and Wi-Fi.

## Reporting problems

- I will tell the school office straight away if I think my account has been used by someone \
else, or if I receive information that was meant for someone else.
- I will talk to the school about any concern I have about my child's safety online.
"""

_VISITORS = """\
# Acceptable use policy for visitors

The school lets visitors use its network or Wi-Fi while they are on site. Before you connect, \
please read this policy. By signing it you agree to follow it.

- I will use the school's network and Wi-Fi only for the work of my visit.
- I will keep private any information about pupils, staff or families that I see or hear during \
my visit, and I will not take photographs or recordings of pupils.
- I will keep any Wi-Fi password or login details I am given private, and not pass them on \
to anyone else.
- I will not try to get into any system or part of the network I have not been given access to, \
or try to get round the school's filtering and security.
- I will not connect a device to the school's network other than through the Wi-Fi I have been \
given, unless the school's IT support has agreed.
- I understand that the school may monitor the use of its network and Wi-Fi.
- I will tell reception or the person I am visiting straight away if I think I have seen \
information I should not have, or if something on the network does not look right.
"""

_PUPILS = """\
# Acceptable use policy for pupils

This is how we keep ourselves and each other safe when we use the school's computers, tablets, \
network and the internet.

- I will only use school computers and the internet when an adult has said I can.
- I will keep my password secret, and only log in as myself.
- I will log out when I have finished.
- I will only open, change or delete my own work and files.
- I will be kind and polite to others online.
- I will not give out my name, address, phone number or photographs online.
- I will tell a teacher or another adult straight away if I see something that upsets me or that \
I think is wrong, or if I think someone knows my password.
- I know that the school can check what I do on its computers and network.
"""

STARTING_TEXTS: dict[str, str] = {
    Audience.STAFF: _STAFF,
    Audience.GOVERNORS: _GOVERNORS,
    Audience.PARENTS: _PARENTS,
    Audience.VISITORS: _VISITORS,
    Audience.PUPILS: _PUPILS,
}


def starting_text(audience: str) -> str:
    """The starting text of an audience's acceptable use policy."""
    return STARTING_TEXTS[audience]
