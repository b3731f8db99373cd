// After django-otp-webauthn's script registers a passkey, show it in the list: the page is drawn again.
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
