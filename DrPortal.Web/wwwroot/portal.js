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

    setTheme(value) {
        try { localStorage.setItem("drportal-theme", value); } catch { /* private mode: the choice lasts for this page only */ }
    },
};

// The Content-Security-Policy allows no inline handlers (onclick="..."): a button marked data-print prints the page.
document.addEventListener("click", event => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
