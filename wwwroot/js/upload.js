// Progressive enhancement of the upload forms (one photo or video; a night of photos): drop files,
// preview them, see the upload progress. Without this script each form is a plain multipart post and works the same.
(() => {
    // The page's sentences in the reader's language, with {name} placeholders; numbers as the reader writes them.
    const texts = JSON.parse(document.getElementById('upload-texts').textContent);
    const say = (key, values = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name) => values[name]);
    const numbers = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 1 });
    const size = bytes => bytes >= 1048576 ? say('Megabytes', { value: numbers.format(bytes / 1048576) }) : say('Kilobytes', { value: numbers.format(Math.ceil(bytes / 1024)) });
    const percent = new Intl.NumberFormat(document.documentElement.lang, { style: 'percent' });

    document.querySelectorAll('form.upload').forEach(form => {
        const input = form.querySelector('input[type=file][name=file]');
        const folder = form.querySelector('input[type=file].folder');
        const drop = form.querySelector('.drop');
        const image = form.querySelector('img.preview');
        const video = form.querySelector('video.preview');
        const progress = form.querySelector('progress');
        const status = form.querySelector('[role=status]');
        const error = document.getElementById(form.dataset.error);
        const submit = form.querySelector('button[type=submit]');
        const maxPhoto = Number(form.dataset.maxPhoto), maxVideo = Number(form.dataset.maxVideo);
        const maxFiles = Number(form.dataset.maxFiles || 1), maxTotal = Number(form.dataset.maxTotal || Infinity);
        let previewUrl = null;

        function show() {
            error.textContent = '';
            if (previewUrl) URL.revokeObjectURL(previewUrl);
            if (image) image.hidden = true;
            if (video) video.hidden = true;
            const files = [...input.files];
            if (!files.length) { status.textContent = ''; return; }
            const tooLarge = files.find(f => f.size > (f.type.startsWith('video/') ? maxVideo : maxPhoto));
            const total = files.reduce((sum, f) => sum + f.size, 0);
            if (tooLarge) error.textContent = say('TooLarge', { name: tooLarge.name, size: size(tooLarge.size), limit: size(tooLarge.type.startsWith('video/') ? maxVideo : maxPhoto) });
            else if (files.length > maxFiles) error.textContent = say('TooManyFiles', { count: files.length, max: maxFiles });
            else if (total > maxTotal) error.textContent = say('NightTooLarge', { size: size(total), limit: size(maxTotal) });
            if (files.length === 1) {
                const file = files[0];
                previewUrl = URL.createObjectURL(file);
                const preview = file.type.startsWith('video/') ? video : file.type.startsWith('image/') ? image : null;
                if (preview) { preview.src = previewUrl; preview.hidden = false; }
                status.textContent = say('OneReady', { name: file.name, size: size(file.size), button: submit.textContent });
            } else {
                status.textContent = say('ManyReady', { count: files.length, size: size(total), button: submit.textContent });
            }
        }

        /** Puts these files in the form's input (a drop, or a chosen folder's photos). */
        function choose(files) {
            const chosen = new DataTransfer();
            [...files].filter(f => input.multiple || chosen.items.length === 0).forEach(f => chosen.items.add(f));
            input.files = chosen.files;
            show();
        }

        input.addEventListener('change', show);
        folder?.addEventListener('change', () => choose([...folder.files].filter(f => f.type.startsWith('image/'))));
        // Choosing a whole folder is for computers; phones pick photos from their gallery.
        const chooseFolder = form.querySelector('button.choose-folder');
        if (chooseFolder && folder && !matchMedia('(pointer: coarse)').matches) {
            chooseFolder.hidden = false;
            chooseFolder.addEventListener('click', () => folder.click());
        }
        ['dragenter', 'dragover'].forEach(type => drop.addEventListener(type, e => { e.preventDefault(); drop.classList.add('dragging'); }));
        ['dragleave', 'drop'].forEach(type => drop.addEventListener(type, () => drop.classList.remove('dragging')));
        drop.addEventListener('drop', e => {
            e.preventDefault();
            if (e.dataTransfer.files.length) choose(e.dataTransfer.files);
        });

        form.addEventListener('submit', e => {
            if (!input.files.length) return; // the browser explains the required field
            e.preventDefault();
            show();
            if (error.textContent) return; // over a limit: the server would refuse it after the whole upload
            const request = new XMLHttpRequest();
            request.open('POST', form.action || location.pathname);
            // Told where the result is rather than redirected there: the result page's first visit must be this browser's own,
            // as that is when it shows (and keeps) the upload's delete token.
            request.setRequestHeader('X-Upload-Form', '1');
            request.upload.addEventListener('progress', p => {
                if (!p.lengthComputable) return;
                progress.value = Math.round(100 * p.loaded / p.total);
                status.textContent = say('Uploading', { percent: percent.format(progress.value / 100) });
            });
            request.upload.addEventListener('load', () => { status.textContent = say('Uploaded'); });
            request.addEventListener('load', () => {
                if (request.status < 400) {
                    try { location.assign(JSON.parse(request.responseText).location); } catch { location.assign(request.responseURL); }
                    return;
                }
                // The server answered with the page and its message; show just the message.
                const page = new DOMParser().parseFromString(request.responseText, 'text/html');
                error.textContent = page.getElementById(form.dataset.error)?.textContent.trim() || say('Failed', { status: request.status });
                done();
            });
            request.addEventListener('error', () => { error.textContent = say('Interrupted'); done(); });
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
    });
})();
