// Share: the phone's own share sheet where there is one (Web Share API), else the link copied to the
// clipboard with a visible confirmation. The page writes the texts (data-title, data-copied).
(() => {
    document.querySelectorAll('button.share').forEach(button => {
        const url = new URL(button.dataset.url, location.href).href;
        if (!navigator.share && !navigator.clipboard) return; // neither: the address bar it is
        const status = button.parentElement.querySelector('.share-status');
        const copy = async () => {
            await navigator.clipboard.writeText(url);
            if (status) status.textContent = button.dataset.copied;
        };
        button.hidden = false;
        button.addEventListener('click', async () => {
            if (status) status.textContent = '';
            try {
                if (navigator.share) await navigator.share({ title: button.dataset.title, url });
                else await copy();
            } catch (error) {
                // The fan closed the share sheet; a sheet the browser refused falls back to the clipboard.
                if (error?.name !== 'AbortError' && navigator.share && navigator.clipboard) await copy().catch(() => {});
            }
        });
    });
})();
