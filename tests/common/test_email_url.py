import pytest

from common.email_url import email_settings


def test_an_smtp_url_with_starttls_and_credentials():
    assert email_settings("smtp://user%40example.org:s%2Fcret@mail.example.org:587/?tls=True") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user@example.org",
        "EMAIL_HOST_PASSWORD": "s/cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_smtps_means_ssl_on_port_465_and_console_needs_nothing():
    config = email_settings("smtps://mail.example.org")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://mail.example.org", "unknown scheme"), ("smtp://", "needs a host"), ("smtp://h/?tls=1&ssl=1", "not both")],
)
def test_a_bad_url_says_why(url, reason):
    with pytest.raises(ValueError, match=reason):
        email_settings(url)
