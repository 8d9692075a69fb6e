// Live progress: elements with data-progreso poll the state of the solicitudes they show until every
// one is final, then reload once so that packages and totals appear. No framework, no build step.
(function () {
  'use strict';
  var POLL_MS = 2000;

  function watch(container) {
    var base = container.getAttribute('data-progreso');
    var cells = container.querySelectorAll('[data-solicitud]');
    var ids = [];
    cells.forEach(function (cell) {
      var id = cell.getAttribute('data-solicitud');
      if (ids.indexOf(id) < 0) ids.push(id);
    });
    if (ids.length === 0) return;
    var pending = true;

    function tick() {
      var url = base.split('?')[0] + '?ids=' + encodeURIComponent(ids.join(','));
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (states) {
          var changedToFinal = false;
          var open = 0;
          states.forEach(function (state) {
            container.querySelectorAll('[data-solicitud="' + state.id + '"]').forEach(function (node) {
              var badge = node.querySelector('[data-estado]');
              if (badge && badge.getAttribute('data-estado') !== state.estado) {
                badge.setAttribute('data-estado', state.estado);
                badge.textContent = state.etiqueta;
                badge.className =
                  'badge ' +
                  (state.final
                    ? state.estado === 'Completada'
                      ? 'ok'
                      : state.estado === 'SinDatos'
                        ? 'neutral'
                        : 'bad'
                    : 'busy');
                if (state.final) changedToFinal = true;
              }
              var paquetes = node.classList.contains('paquetes') ? node : node.querySelector('.paquetes');
              if (paquetes) paquetes.textContent = state.paquetes;
            });
            if (!state.final) open += 1;
          });
          if (changedToFinal && open === 0 && container.hasAttribute('data-recargar')) {
            window.location.reload();
            return;
          }
          pending = open > 0;
          if (pending) window.setTimeout(tick, POLL_MS);
        })
        .catch(function () {
          window.setTimeout(tick, POLL_MS * 3);
        });
    }
    window.setTimeout(tick, POLL_MS);
  }

  // Destructive forms ask first (no inline handlers: the content security policy forbids them).
  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-progreso]').forEach(watch);
  });
})();
