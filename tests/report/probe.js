// probe.js -- appended (by tests/report/run.sh) to a copy of the report:
// where the charts and the worst client's row are on the page, and what
// the page's script did, written into the DOM for --dump-dom to show.
addEventListener('load', function () {
	var out = [], svgs = document.querySelectorAll('svg'), i, r;
	for (i = 0; i < svgs.length; i++) {
		r = svgs[i].getBoundingClientRect();
		out.push('svg ' + i + ' bottom ' + Math.round(r.bottom) +
		    ' height ' + Math.round(r.height));
	}
	r = document.querySelector('#worst tbody tr');
	out.push('worst-row bottom ' + Math.round(r.getBoundingClientRect().bottom));
	out.push('worst-client ' + r.cells[0].textContent);
	out.push('viewport ' + innerHeight);
	out.push('js-class ' + document.documentElement.className);
	var p = document.createElement('pre');
	p.id = 'probe';
	p.textContent = out.join('\n');
	document.body.appendChild(p);
});
