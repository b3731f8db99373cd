from tests.helpers.smtp import no_smtp_server, smtp_server, smtp_servers  # noqa: F401 - fixtures
