# Serves graphite-web's WSGI app on 127.0.0.1:$ORACLE_WEB_PORT with the stdlib's threaded server.
# Run with PYTHONPATH=<this folder> and ORACLE_DIR set; `migrate` first creates the sqlite tag/events db.
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "graphite.settings"
os.environ["GRAPHITE_SETTINGS_MODULE"] = "oracle_local_settings"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    import django
    django.setup()
    if len(sys.argv) > 1 and sys.argv[1] == "migrate":
        from django.core.management import call_command
        call_command("migrate", verbosity=0, interactive=False)
        return
    from graphite.wsgi import application
    port = int(os.environ["ORACLE_WEB_PORT"])
    server = make_server("127.0.0.1", port, application, server_class=ThreadingServer, handler_class=QuietHandler)
    print("graphite-web listening port=%d" % server.server_port, file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
