// Keeps the delete token of a photo uploaded in this browser, so its result page offers Delete on every later visit.
(() => {
    const form = document.getElementById('delete-upload');
    if (!form) return;
    const key = 'erasweb-delete-' + form.dataset.prediction;
    const field = form.querySelector('input[name="token"]');
    try {
        if (field.value) localStorage.setItem(key, field.value);
        else if (localStorage.getItem(key)) {
            field.value = localStorage.getItem(key);
            form.hidden = false;
        }
        form.addEventListener('submit', () => localStorage.removeItem(key));
    } catch {
        // Storage is off: Delete shows on the first visit only.
    }
})();
