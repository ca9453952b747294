"""Settings for every environment, read from the environment (12-factor), one module per
topic (this package); each topic imports the names it builds on from the one before.

With nothing set this is the embedded default: SQLite, Celery tasks run eagerly in the
web process and e-mail goes to the console, so one command shows the whole flow.
"""

from config.settings.accounts import *  # noqa: F403
from config.settings.api import *  # noqa: F403
from config.settings.core import *  # noqa: F403
from config.settings.database import *  # noqa: F403
from config.settings.expo import *  # noqa: F403
from config.settings.mail import *  # noqa: F403
from config.settings.tasks import *  # noqa: F403
