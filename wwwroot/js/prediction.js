// The result page's moving parts. The Content-Security-Policy allows no inline style or handler,
// so widths come from data-width attributes and the heatmap slider is wired here.
(() => {
    // Probability bars fill their share; timeline segments take theirs of the video's length.
    document.querySelectorAll('.bar [data-width]').forEach(fill => { fill.style.width = fill.dataset.width; });
    document.querySelectorAll('.timeline [data-width]').forEach(segment => { segment.style.flex = `0 0 ${segment.dataset.width}`; });

    const blend = document.getElementById('blend');
    const heatmap = document.getElementById('heatmap');
    const apply = () => { heatmap.style.opacity = blend.value / 100; };
    blend.addEventListener('input', apply);
    apply(); // a value the browser kept from before a reload
})();
