# graphite-web settings for the oracle: everything under $ORACLE_DIR, nothing system-wide.
# Loaded through GRAPHITE_SETTINGS_MODULE=oracle_local_settings (graphite.settings imports it).
import os

_root = os.environ["ORACLE_DIR"]
SECRET_KEY = "loupe-graphite-oracle"
TIME_ZONE = "UTC"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOG_ROTATION = False
DEFAULT_XFILES_FACTOR = 0
GRAPHITE_ROOT = "/usr/share/graphite-web"
STATIC_ROOT = "/usr/share/graphite-web/static"
CONF_DIR = os.path.join(_root, "conf")
STORAGE_DIR = os.path.join(_root, "storage")
WHISPER_DIR = os.path.join(_root, "storage", "whisper")
STANDARD_DIRS = [WHISPER_DIR]
LOG_DIR = os.path.join(_root, "log", "webapp")
INDEX_FILE = os.path.join(_root, "storage", "index")
CARBONLINK_HOSTS = []
TAGDB = "graphite.tags.localdatabase.LocalDatabaseTagDB"
TAGDB_CACHE_DURATION = 0
DATABASES = {
    "default": {
        "NAME": os.path.join(_root, "storage", "graphite.db"),
        "ENGINE": "django.db.backends.sqlite3",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
}
FUNCTION_PLUGINS = []
