// Look at a report as its readers do, in headless Chromium, and print the facts as one JSON line.
//   node tests/browser/check.js REPORT.html OUTDIR CHROMIUM
// Needs puppeteer-core and axe-core (tests/browser/package.json; `make browser` installs them into .browser/).
// Facts: page width at 390 and 320 px and what sticks out; the smallest chart text at 390 px and in print;
// key messages wholly on the first screen at 1366 x 768; axe-core violations (WCAG 2.x A and AA);
// the A4 PDF (OUTDIR/print.pdf) and screenshots (OUTDIR/*.png) for a person to look at.
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

async function widths(page, width) {
  await page.setViewport({width, height: 844});
  await page.reload({waitUntil: 'load'});
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.scroll') && !el.classList.contains('scroll')) continue; // wide tables scroll in their own box
      const r = el.getBoundingClientRect();
      if (r.width && r.right > vw + 0.5) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (${Math.round(r.right)})`);
    }
    return {scroll_width: document.documentElement.scrollWidth, viewport: vw, sticking_out: out.slice(0, 12)};
  });
}

async function chartText(page) {
  // the rendered size of the smallest text in a chart, in CSS px: font-size times the SVG's scale on screen
  return page.evaluate(() => {
    let min = Infinity;
    for (const t of document.querySelectorAll('svg.chart text')) {
      const m = t.getScreenCTM();
      const size = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
      if (m && size) min = Math.min(min, size * Math.hypot(m.a, m.b));
    }
    return min === Infinity ? null : Math.round(min * 100) / 100;
  });
}

(async () => {
  const [file, out, exe] = process.argv.slice(2);
  fs.mkdirSync(out, {recursive: true});
  const browser = await puppeteer.launch({executablePath: exe, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none']});
  try {
    const page = await browser.newPage();
    const facts = {};
    await page.setViewport({width: 1366, height: 768});
    await page.goto('file://' + path.resolve(file), {waitUntil: 'load'});
    await page.screenshot({path: path.join(out, 'desktop-first-screen.png')});
    facts.first_screen = await page.evaluate(() => {
      const items = [...document.querySelectorAll('#key-messages .messages > li')];
      return {
        messages: items.length,
        messages_visible: items.filter((li) => li.getBoundingClientRect().bottom <= window.innerHeight).length,
        with_change: items.filter((li) => li.getBoundingClientRect().bottom <= window.innerHeight && li.querySelector('.change')).length,
      };
    });
    facts.at_390 = await widths(page, 390);
    facts.chart_text_px_at_390 = await chartText(page);
    await page.screenshot({path: path.join(out, 'phone-first-screen.png')});
    await page.screenshot({path: path.join(out, 'phone-full.png'), fullPage: true});
    facts.at_320 = await widths(page, 320);
    await page.addScriptTag({content: fs.readFileSync(require.resolve('axe-core'), 'utf8')});
    const axe = await page.evaluate(async () => await window.axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}));
    facts.axe_violations = axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
    // print: the page as Chromium lays it out on A4 (the text column is about 690 px wide)
    await page.reload({waitUntil: 'load'});
    await page.setViewport({width: 690, height: 1000});
    await page.emulateMediaType('print');
    facts.chart_text_pt_in_print = await chartText(page).then((px) => (px === null ? null : Math.round(px * 0.75 * 100) / 100));
    await page.emulateMediaType(null);
    await page.setViewport({width: 1366, height: 768});
    await page.pdf({path: path.join(out, 'print.pdf'), format: 'A4', printBackground: true, preferCSSPageSize: true});
    process.stdout.write(JSON.stringify(facts) + '\n');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
