// Keeps the delete token of an upload made in this browser, so its pages offer Delete on every later
// visit. A video's token is kept under its job until the job's result page takes it over; a night's under the night.
(() => {
    const form = document.getElementById('delete-upload');
    if (!form) return;
    const key = form.dataset.prediction ? 'erasweb-delete-' + form.dataset.prediction
        : form.dataset.night ? 'erasweb-delete-night-' + form.dataset.night
        : 'erasweb-delete-job-' + form.dataset.job;
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
