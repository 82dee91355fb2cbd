// Share: the phone's own share sheet where there is one, else the link copied to the clipboard.
(() => {
    document.querySelectorAll('button.share').forEach(button => {
        const url = new URL(button.dataset.url, location.href).href;
        if (!navigator.share && !navigator.clipboard) return; // neither: the address bar it is
        button.hidden = false;
        button.addEventListener('click', async () => {
            try {
                if (navigator.share) await navigator.share({ title: button.dataset.title, url });
                else {
                    await navigator.clipboard.writeText(url);
                    button.textContent = 'Link copied';
                }
            } catch {
                // The fan closed the share sheet.
            }
        });
    });
})();
