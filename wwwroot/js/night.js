// Follows a night while it is read: progress, then the page again with its result (or the reason it failed).
(() => {
    const url = document.getElementById('night').dataset.statusUrl;
    const status = document.getElementById('night-status');
    const progress = document.getElementById('night-progress');

    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            const night = await response.json();
            if (night.status === 'succeeded' || night.status === 'failed') { location.reload(); return; }
            progress.value = night.progress;
            status.textContent = `${night.status === 'queued' ? 'Waiting for its turn…' : 'Looking at the photos…'} ${night.progress}%`;
        } catch {
            status.textContent = 'Lost contact with the server; still trying…';
        }
        setTimeout(poll, 700);
    }
    setTimeout(poll, 300);
})();
