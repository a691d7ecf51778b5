from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "schoolkeep.assets"
    label = "assets"
    verbose_name = "Information asset register"

    def ready(self) -> None:
        from schoolkeep.assets import duties  # noqa: F401  (registers the duty provider)
        from schoolkeep.assets.contacts import asset_owner_section
        from schoolkeep.assets.demo import build_demo_assets
        from schoolkeep.assets.services import ACTION_LABELS
        from schoolkeep.audit.actions import register_action_labels
        from schoolkeep.demo.builder import register_step
        from schoolkeep.tenancy.contacts import register_contact_section

        register_contact_section(asset_owner_section)
        register_step("assets", build_demo_assets, order=300)  # after "people" (200)
        register_action_labels(ACTION_LABELS)
        from schoolkeep.assets import erasure

        erasure.register()
