import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgiac.settings")

# Imported once the settings module is named: core.asgi sets Django up.
from core.asgi import get_application

application = get_application()
