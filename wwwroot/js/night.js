// Follows a night while it is read: progress, then the page again with its result (or the reason it failed).
(() => {
    const url = document.getElementById('night').dataset.statusUrl;
    const status = document.getElementById('night-status');
    const progress = document.getElementById('night-progress');
    // The page's sentences in the reader's language ({percent} filled here), the percentage as the reader writes it.
    const texts = JSON.parse(document.getElementById('night-texts').textContent);
    const percent = new Intl.NumberFormat(document.documentElement.lang, { style: 'percent' });

    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            const night = await response.json();
            if (night.status === 'succeeded' || night.status === 'failed') { location.reload(); return; }
            progress.value = night.progress;
            status.textContent = texts[night.status === 'queued' ? 'Queued' : 'Running'].replace('{percent}', percent.format(night.progress / 100));
        } catch {
            status.textContent = texts.Lost;
        }
        setTimeout(poll, 700);
    }
    setTimeout(poll, 300);
})();
