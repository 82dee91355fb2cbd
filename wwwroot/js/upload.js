// Progressive enhancement of the upload form: drop a file, preview it, see the upload progress.
// Without this script the form is a plain multipart post and works the same.
(() => {
    const form = document.getElementById('upload-form');
    const input = document.getElementById('file');
    const drop = document.getElementById('drop');
    const image = document.getElementById('preview-image');
    const video = document.getElementById('preview-video');
    const progress = document.getElementById('progress');
    const status = document.getElementById('status');
    const error = document.getElementById('error');
    const submit = document.getElementById('submit');
    let previewUrl = null;

    const size = bytes => bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

    function show(file) {
        error.textContent = '';
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        image.hidden = video.hidden = true;
        if (!file) return;
        const isVideo = file.type.startsWith('video/');
        const limit = Number(isVideo ? form.dataset.maxVideo : form.dataset.maxPhoto);
        if (file.size > limit) error.textContent = `${file.name} is ${size(file.size)}; the limit is ${size(limit)}.`;
        previewUrl = URL.createObjectURL(file);
        const preview = isVideo ? video : file.type.startsWith('image/') ? image : null;
        if (preview) { preview.src = previewUrl; preview.hidden = false; }
        status.textContent = `${file.name} (${size(file.size)}) is ready: press Predict.`;
    }

    input.addEventListener('change', () => show(input.files[0]));
    ['dragenter', 'dragover'].forEach(type => drop.addEventListener(type, e => { e.preventDefault(); drop.classList.add('dragging'); }));
    ['dragleave', 'drop'].forEach(type => drop.addEventListener(type, () => drop.classList.remove('dragging')));
    drop.addEventListener('drop', e => {
        e.preventDefault();
        if (!e.dataTransfer.files.length) return;
        input.files = e.dataTransfer.files;
        show(input.files[0]);
    });

    form.addEventListener('submit', e => {
        if (!input.files.length) return; // the browser explains the required field
        e.preventDefault();
        const request = new XMLHttpRequest();
        request.open('POST', form.action || location.pathname);
        request.upload.addEventListener('progress', p => {
            if (!p.lengthComputable) return;
            progress.value = Math.round(100 * p.loaded / p.total);
            status.textContent = `Uploading… ${progress.value}%`;
        });
        request.upload.addEventListener('load', () => { status.textContent = 'Uploaded. The model is looking…'; });
        request.addEventListener('load', () => {
            if (request.status < 400) { location.assign(request.responseURL); return; }
            // The server answered with the page and its message; show just the message.
            const page = new DOMParser().parseFromString(request.responseText, 'text/html');
            error.textContent = page.getElementById('error')?.textContent.trim() || `The upload failed (HTTP ${request.status}).`;
            done();
        });
        request.addEventListener('error', () => { error.textContent = 'The upload was interrupted. Check the connection and try again.'; done(); });
        progress.hidden = false;
        progress.value = 0;
        submit.disabled = true;
        error.textContent = '';
        request.send(new FormData(form));
    });

    function done() {
        submit.disabled = false;
        progress.hidden = true;
        status.textContent = '';
    }
})();
