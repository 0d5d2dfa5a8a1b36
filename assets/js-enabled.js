/*
 * The NHS.UK frontend's progressive enhancement switch: run as the body opens, before it is
 * drawn, so components styled for JavaScript never flash their no-JavaScript form. A file of
 * its own because the Content-Security-Policy allows no inline script.
 */
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
