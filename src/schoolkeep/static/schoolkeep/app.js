/*
 * Schoolkeep's own script. Loaded with `defer`; every page works without it.
 *
 * - Marks the page as scripted (html.js-enabled) so that .js-only controls show.
 * - Moves focus to the error summary, or else to a success banner, when the page loads.
 * - Warns about 60 seconds before the idle sign-out, on pages whose <body> has
 *   data-idle-timeout. It asks data-session-url (at most once a minute; that request
 *   does not count as activity) how long the session really has left, since another tab
 *   may have been used, and goes to the sign-in page once the server says the session ended.
 * - Says "Scroll sideways to see every column" above a table wider than its box (.table-wrap),
 *   and makes that box reachable with the keyboard (a labelled region) so it can be scrolled.
 * - Closes the narrow screens' Menu (details.nav-menu) with Escape, focus back on its button.
 */
(function () {
  'use strict'

  var WARN_BEFORE_SECONDS = 60
  var MIN_POLL_SECONDS = 60

  document.documentElement.classList.add('js-enabled')

  function focusOnLoad () {
    var summary = document.querySelector('.error-summary')
    var target = summary || document.querySelector('.notification-banner[role="alert"]')
    if (!target) {
      return
    }
    if (!target.hasAttribute('tabindex')) {
      target.setAttribute('tabindex', '-1')
    }
    target.focus()
    target.addEventListener('blur', function () {
      target.removeAttribute('tabindex')
    }, { once: true })
  }

  function IdleWarning (body, dialog) {
    this.timeoutSeconds = parseInt(body.getAttribute('data-idle-timeout'), 10)
    this.sessionUrl = body.getAttribute('data-session-url')
    this.loginUrl = body.getAttribute('data-login-url') || '/'
    this.dialog = dialog
    this.stay = dialog.querySelector('[data-idle-stay]')
    this.timer = null
    this.lastPoll = 0
    this.returnFocus = null
  }

  IdleWarning.prototype.start = function () {
    if (!(this.timeoutSeconds > 0) || !this.sessionUrl || !window.fetch) {
      return
    }
    var self = this
    if (this.stay) {
      this.stay.addEventListener('click', function (event) {
        event.preventDefault()
        self.keepAlive()
      })
    }
    this.dialog.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault()
        self.keepAlive()
      } else if (event.key === 'Tab') {
        self.trapFocus(event)
      }
    })
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') {
        self.check()
      }
    })
    // The page load itself was activity: the whole timeout is left.
    this.schedule(this.timeoutSeconds)
  }

  // Plan the next check for when the warning is due, but never sooner than a minute after
  // the last question to the server.
  IdleWarning.prototype.schedule = function (remainingSeconds) {
    var self = this
    var wait = remainingSeconds > WARN_BEFORE_SECONDS
      ? remainingSeconds - WARN_BEFORE_SECONDS
      : Math.min(remainingSeconds + 1, MIN_POLL_SECONDS)
    var sinceLastPoll = (Date.now() - this.lastPoll) / 1000
    wait = Math.max(wait, MIN_POLL_SECONDS - sinceLastPoll, 1)
    window.clearTimeout(this.timer)
    this.timer = window.setTimeout(function () { self.check() }, wait * 1000)
  }

  IdleWarning.prototype.check = function () {
    var self = this
    if ((Date.now() - this.lastPoll) / 1000 < MIN_POLL_SECONDS) {
      return
    }
    this.lastPoll = Date.now()
    window.fetch(this.sessionUrl, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      cache: 'no-store'
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('Session status ' + response.status)
      }
      return response.json()
    }).then(function (status) {
      if (!status.signed_in) {
        self.signedOut()
        return
      }
      var remaining = Math.max(0, Number(status.remaining_seconds) || 0)
      if (remaining <= WARN_BEFORE_SECONDS) {
        self.show()
      } else {
        self.hide()
      }
      self.schedule(remaining)
    }).catch(function () {
      // The server could not be asked (network down): try again a minute later.
      self.schedule(WARN_BEFORE_SECONDS + MIN_POLL_SECONDS)
    })
  }

  // "Stay signed in": load the current page in the background, which counts as activity,
  // so that anything typed into a form on this page is kept.
  IdleWarning.prototype.keepAlive = function () {
    var self = this
    var url = this.stay ? this.stay.href : window.location.href
    window.fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.redirected && response.url.indexOf(self.loginUrl) !== -1) {
          self.signedOut()
          return
        }
        self.hide()
        self.lastPoll = 0
        self.schedule(self.timeoutSeconds)
      })
      .catch(function () {
        window.location.href = url
      })
  }

  IdleWarning.prototype.show = function () {
    if (!this.dialog.hidden) {
      return
    }
    this.returnFocus = document.activeElement
    this.setBackgroundInert(true)
    this.dialog.hidden = false
    ;(this.stay || this.dialog).focus()
  }

  IdleWarning.prototype.hide = function () {
    if (this.dialog.hidden) {
      return
    }
    this.dialog.hidden = true
    this.setBackgroundInert(false)
    if (this.returnFocus && document.contains(this.returnFocus)) {
      this.returnFocus.focus()
    }
    this.returnFocus = null
  }

  // While the warning shows, the rest of the page cannot be reached (aria-modal).
  IdleWarning.prototype.setBackgroundInert = function (inert) {
    var dialog = this.dialog
    Array.prototype.forEach.call(document.body.children, function (element) {
      if (element !== dialog && element.tagName !== 'SCRIPT') {
        element.inert = inert
      }
    })
  }

  IdleWarning.prototype.trapFocus = function (event) {
    var focusable = this.dialog.querySelectorAll('a[href], button:not([disabled])')
    if (!focusable.length) {
      return
    }
    var first = focusable[0]
    var last = focusable[focusable.length - 1]
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  IdleWarning.prototype.signedOut = function () {
    window.clearTimeout(this.timer)
    var next = window.location.pathname + window.location.search
    var separator = this.loginUrl.indexOf('?') === -1 ? '?' : '&'
    window.location.assign(this.loginUrl + separator + 'next=' + encodeURIComponent(next))
  }

  var SCROLL_HINT = 'Scroll sideways to see every column'

  function markScrollingTables () {
    var wraps = document.querySelectorAll('.table-wrap')
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1
      var hint = wrap.previousElementSibling
      var hasHint = hint && hint.classList.contains('table-scroll-hint')
      if (scrolls && !hasHint) {
        hint = document.createElement('p')
        hint.className = 'table-scroll-hint'
        hint.textContent = SCROLL_HINT
        wrap.parentNode.insertBefore(hint, wrap)
      } else if (!scrolls && hasHint) {
        hint.parentNode.removeChild(hint)
      }
      if (scrolls && !wrap.hasAttribute('tabindex')) {
        var caption = wrap.querySelector('caption')
        wrap.setAttribute('tabindex', '0')
        wrap.setAttribute('role', 'region')
        wrap.setAttribute('aria-label', caption ? caption.textContent.trim() : 'Table')
      }
    })
  }

  function closeMenuOnEscape () {
    var menu = document.querySelector('details.nav-menu')
    if (!menu) {
      return
    }
    menu.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && menu.open) {
        menu.open = false
        menu.querySelector('summary').focus()
      }
    })
  }

  function init () {
    focusOnLoad()
    markScrollingTables()
    closeMenuOnEscape()
    var resizing = null
    window.addEventListener('resize', function () {
      window.clearTimeout(resizing)
      resizing = window.setTimeout(markScrollingTables, 150)
    })
    var body = document.body
    var dialog = document.getElementById('idle-warning')
    if (body && dialog && body.hasAttribute('data-idle-timeout')) {
      new IdleWarning(body, dialog).start()
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init)
  } else {
    init()
  }
})()
