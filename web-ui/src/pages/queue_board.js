/* Balai queue board: follows /antrian/events and speaks each call.
   ES5 only, for old TV browsers. Without EventSource the page reloads. */
(function () {
  'use strict';
  var body = document.body;
  var text = {
    counter: body.getAttribute('data-counter') || 'Loket',
    none: body.getAttribute('data-none') || '-',
    nobody: body.getAttribute('data-nobody') || ''
  };

  if (!window.EventSource) {
    setTimeout(function () { window.location.reload(); }, 5000);
    return;
  }

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined && content !== null) { e.appendChild(document.createTextNode(String(content))); }
    return e;
  }

  function setText(id, value) {
    var e = document.getElementById(id);
    if (e) { e.textContent = value; }
  }

  function fill(id, items, make) {
    var box = document.getElementById(id);
    if (!box) { return; }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    for (var i = 0; i < items.length; i++) { box.appendChild(make(items[i])); }
  }

  function pair(tag, cls, a, aCls, b, bCls) {
    var li = el(tag, cls);
    li.appendChild(el('span', aCls, a));
    li.appendChild(el('span', bCls, b));
    return li;
  }

  function render(s) {
    var latest = s.recent && s.recent.length ? s.recent[0] : null;
    setText('now-label', latest ? latest.label : text.none);
    setText('now-counter', latest ? text.counter + ' ' + latest.counter : text.nobody);
    setText('now-service', latest ? latest.service : '');
    fill('counters', s.counters || [], function (c) {
      return pair('li', c.label ? 'busy' : 'idle', text.counter + ' ' + c.counter, 'c-name', c.label || text.none, 'c-label');
    });
    fill('recent', (s.recent || []).slice(1), function (c) {
      return pair('li', '', c.label, 'r-label', text.counter + ' ' + c.counter, 'r-counter');
    });
    fill('waiting', s.waiting || [], function (w) {
      var li = el('li');
      li.appendChild(el('span', 'w-prefix', w.prefix));
      li.appendChild(el('span', 'w-name', w.name));
      li.appendChild(el('span', 'w-count', w.count));
      return li;
    });
  }

  function flash() {
    var now = document.getElementById('now');
    if (!now) { return; }
    now.className = now.className.replace(/\s*flash/g, '');
    setTimeout(function () { now.className += ' flash'; }, 20);
  }

  var soundButton = document.getElementById('sound');
  function askForSound() { if (soundButton) { soundButton.hidden = false; } }
  if (soundButton) {
    soundButton.onclick = function () {
      soundButton.hidden = true;
      // The click itself lets the page play sound from now on (autoplay rules).
      if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
        window.speechSynthesis.speak(new window.SpeechSynthesisUtterance(''));
      }
    };
  }

  function indonesianVoice() {
    if (!window.speechSynthesis) { return null; }
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^(id|in)([-_]|$)/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }

  function speakInBrowser(sentence) {
    var voice = indonesianVoice();
    if (!voice || !window.SpeechSynthesisUtterance) { return; }
    var u = new window.SpeechSynthesisUtterance(sentence);
    u.lang = voice.lang;
    u.voice = voice;
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  // Calls are spoken one after another, never over each other.
  var queue = [];
  var speaking = false;
  function next() {
    if (speaking || !queue.length) { return; }
    var call = queue.shift();
    speaking = true;
    var done = function () { speaking = false; setTimeout(next, 400); };
    if (body.getAttribute('data-speech') !== 'box') {
      speakInBrowser(call.speech);
      setTimeout(done, 4000);
      return;
    }
    var audio = new Audio('/antrian/announcements/' + encodeURIComponent(call.ticket_id) + '.wav?n=' + call.calls);
    audio.onended = done;
    audio.onerror = function () { speakInBrowser(call.speech); setTimeout(done, 4000); };
    var played = audio.play();
    if (played && played['catch']) {
      played['catch'](function () { askForSound(); done(); });
    }
  }

  function announce(call) {
    queue.push(call);
    next();
  }

  var source = new EventSource('/antrian/events');
  source.addEventListener('state', function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { /* keep the last good state */ }
    body.className = body.className.replace(/\s*offline/g, '');
    body.setAttribute('data-live', '1');
  });
  source.addEventListener('call', function (e) {
    var call;
    try { call = JSON.parse(e.data); } catch (err) { return; }
    flash();
    announce(call);
  });
  source.onerror = function () {
    if (body.className.indexOf('offline') < 0) { body.className += ' offline'; }
  };
}());
