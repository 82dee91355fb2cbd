// Follows a video job: progress while it runs, then its result page (or the reason it failed).
(() => {
    const url = document.getElementById('job').dataset.statusUrl;
    const status = document.getElementById('job-status');
    const progress = document.getElementById('job-progress');
    // The page's sentences in the reader's language ({percent} filled here), the percentage as the reader writes it.
    const texts = JSON.parse(document.getElementById('job-texts').textContent);
    const percent = new Intl.NumberFormat(document.documentElement.lang, { style: 'percent' });

    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            const job = await response.json();
            if (job.status === 'succeeded') {
                // The upload's delete token now deletes the result too: the result page finds it under the prediction.
                try {
                    const token = localStorage.getItem(`erasweb-delete-job-${job.job_id}`);
                    if (token) localStorage.setItem(`erasweb-delete-${job.prediction_id}`, token);
                    localStorage.removeItem(`erasweb-delete-job-${job.job_id}`);
                } catch { }
                location.replace(`/predictions/${job.prediction_id}`);
                return;
            }
            if (job.status === 'failed') { location.reload(); return; }
            progress.value = job.progress;
            status.textContent = texts[job.status === 'queued' ? 'Waiting' : 'Looking'].replace('{percent}', percent.format(job.progress / 100));
        } catch {
            status.textContent = texts.LostContact;
        }
        setTimeout(poll, 500);
    }
    setTimeout(poll, 300);
})();
