from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Bulletins"

    def ready(self) -> None:
        from bulletins.metrics import BulletinsProvider
        from steering.metrics import register

        register(BulletinsProvider())
