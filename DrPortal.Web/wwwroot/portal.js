// Small browser helpers the Blazor components call through JS interop.
window.drPortal = {
    // The async clipboard API needs a secure context (https or localhost); plain-http installs fall back to execCommand.
    async copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            try {
                await navigator.clipboard.writeText(text);
                return true;
            } catch {
                // fall through to the legacy path
            }
        }
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        try {
            return document.execCommand("copy");
        } catch {
            return false;
        } finally {
            document.body.removeChild(area);
        }
    },

    // "dark", "light", or null when the user never chose (then the system preference applies).
    getTheme() {
        try { return localStorage.getItem("drportal-theme"); } catch { return null; }
    },

    // A live log follows its end while the reader is at the end; scrolling up to read stops that until they scroll back down.
    watchLog(element) {
        if (!element || element.dataset.watched) return;
        element.dataset.watched = "true";
        element.addEventListener("scroll", () => {
            element.dataset.follow = element.scrollHeight - element.scrollTop - element.clientHeight < 24 ? "true" : "false";
        });
    },

    followLog(element) {
        if (element && element.dataset.follow !== "false") element.scrollTop = element.scrollHeight;
    },

    // The IANA zone the browser runs in ("Europe/Berlin"), so the portal shows times the way the user reads a clock.
    timeZone() {
        try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch { return null; }
    },

    // WebAuthn: the portal sends options as JSON with binary values in base64url (as the Fido2 library writes them);
    // the browser's API wants ArrayBuffers, and its answer goes back as JSON the same way.
    async createCredential(optionsJson) {
        const options = JSON.parse(optionsJson);
        options.challenge = fromBase64Url(options.challenge);
        options.user.id = fromBase64Url(options.user.id);
        options.excludeCredentials = (options.excludeCredentials || []).map(c => ({ ...c, id: fromBase64Url(c.id) }));
        const credential = await navigator.credentials.create({ publicKey: withoutNulls(options) });
        const response = credential.response;
        return JSON.stringify({
            id: credential.id,
            rawId: toBase64Url(credential.rawId),
            type: credential.type,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
                attestationObject: toBase64Url(response.attestationObject),
                clientDataJSON: toBase64Url(response.clientDataJSON),
                transports: response.getTransports ? response.getTransports() : [],
            },
        });
    },

    async getCredential(optionsJson) {
        const options = JSON.parse(optionsJson);
        options.challenge = fromBase64Url(options.challenge);
        options.allowCredentials = (options.allowCredentials || []).map(c => ({ ...c, id: fromBase64Url(c.id) }));
        const credential = await navigator.credentials.get({ publicKey: withoutNulls(options) });
        const response = credential.response;
        return JSON.stringify({
            id: credential.id,
            rawId: toBase64Url(credential.rawId),
            type: credential.type,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
                authenticatorData: toBase64Url(response.authenticatorData),
                clientDataJSON: toBase64Url(response.clientDataJSON),
                signature: toBase64Url(response.signature),
                userHandle: response.userHandle ? toBase64Url(response.userHandle) : null,
            },
        });
    },

    setTheme(value) {
        try { localStorage.setItem("drportal-theme", value); } catch { /* private mode: the choice lasts for this page only */ }
    },
};

function fromBase64Url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
    return Uint8Array.from(atob(base64), c => c.charCodeAt(0)).buffer;
}

function toBase64Url(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Members the library writes as null mean "not set"; the browser's API rejects null where it expects an object.
function withoutNulls(options) {
    for (const [key, value] of Object.entries(options)) {
        if (value === null) delete options[key];
    }
    return options;
}

// The login's two-factor page is a plain form: a button marked data-security-key-signin asks the key for a signature
// with the options it carries, puts the answer in the form's data-security-key-assertion field and posts the form.
document.addEventListener("click", async event => {
    const button = event.target instanceof Element ? event.target.closest("[data-security-key-signin]") : null;
    if (!button) return;
    const form = button.closest("form");
    const error = form.querySelector("[data-security-key-error]");
    button.disabled = true;
    try {
        form.querySelector("[data-security-key-assertion]").value = await window.drPortal.getCredential(button.dataset.options);
        form.submit();
    } catch (e) {
        button.disabled = false;
        if (error) {
            error.textContent = e && e.name === "NotAllowedError"
                ? "The security key did not answer: it was cancelled, timed out or is not registered for this account. Try again."
                : "This browser could not use a security key here.";
            error.hidden = false;
        }
    }
});

// The Content-Security-Policy allows no inline handlers (onclick="..."): a button marked data-print prints the page.
document.addEventListener("click", event => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
