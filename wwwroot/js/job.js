// Follows a video job: progress while it runs, then its result page (or the reason it failed).
(() => {
    const url = document.getElementById('job').dataset.statusUrl;
    const status = document.getElementById('job-status');
    const progress = document.getElementById('job-progress');

    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            const job = await response.json();
            if (job.status === 'succeeded') { location.replace(`/predictions/${job.prediction_id}`); return; }
            if (job.status === 'failed') { location.reload(); return; }
            progress.value = job.progress;
            status.textContent = `${job.status === 'queued' ? 'Waiting for its turn…' : 'Looking at the frames…'} ${job.progress}%`;
        } catch {
            status.textContent = 'Lost contact with the server; still trying…';
        }
        setTimeout(poll, 500);
    }
    setTimeout(poll, 300);
})();
