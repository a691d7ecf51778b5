"""Systems picked from the catalogue's channels for sending data (DfE S2S, AnyComms, Egress,
USO-FX2, AutoUpdate and secure e-mail) become approved transfer channels, with the
catalogue's instructions where the school wrote none. Reversed, they are channels no longer,
and instructions still as the catalogue wrote them are cleared.

The instructions are copied here as they were when the migration was written, so that a
later change of the catalogue does not change what this migration did."""

from django.db import migrations

INSTRUCTIONS = {
    "uso-fx2": (
        "Sign in to USO-FX2 with your own USO account, choose the receiving school from the"
        " London schools listed and upload the file. For a school outside London, use Egress."),
    "egress": (
        "Send the file from Egress, never as an ordinary e-mail attachment: address it to the"
        " named person who needs it. The recipient opens it with their own Egress account or"
        " the code Egress sends them."),
    "dfe-s2s": (
        "Sign in to the DfE's S2S site with your own account, upload the CTF file and choose"
        " the school it goes to. Never send a CTF file by e-mail or on a memory stick."),
    "anycomms": (
        "Sign in to AnyComms with the school's own account and upload the CTF admissions file"
        " to the admissions team's area. Never send it by e-mail."),
    "autoupdate": (
        "Only to create online accounts for LGfL's broadband services: upload the list of"
        " users through AutoUpdate, signed in with your own USO account. Use it for nothing"
        " else."),
    "secure-email": (
        "Use the school's e-mail account, never a personal one. Give pupils' initials, not"
        " their names, wherever you can. Anything OFFICIAL-SENSITIVE goes by Egress instead,"
        " not as an attachment."),
}


def mark_channels(apps, schema_editor):
    System = apps.get_model("systems", "System")
    for key, text in INSTRUCTIONS.items():
        systems = System.objects.filter(catalogue_key=key)
        systems.filter(transfer_instructions="").update(transfer_instructions=text)
        systems.update(is_transfer_channel=True)


def unmark_channels(apps, schema_editor):
    System = apps.get_model("systems", "System")
    for key, text in INSTRUCTIONS.items():
        systems = System.objects.filter(catalogue_key=key)
        systems.filter(transfer_instructions=text).update(transfer_instructions="")
        systems.update(is_transfer_channel=False)


class Migration(migrations.Migration):

    dependencies = [
        ("systems", "0004_system_transfer_channel"),
    ]

    operations = [
        migrations.RunPython(mark_channels, unmark_channels),
    ]
