// The one way the page's scripts post a form: the session's cookie, the CSRF token and the
// header that asks for a short answer; an error's text (a line for the page) is thrown.
window.handoutsPost = function (url, data, csrf) {
  "use strict";
  return fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "x-requested-with": "fetch", "x-csrf-token": csrf },
  }).then(function (response) {
    if (!response.ok) {
      return response.text().then(function (text) { throw new Error(text); });
    }
    return response;
  });
};
