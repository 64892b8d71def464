// The console's runtime configuration, read once from /console-config.json. `./sanshe up`
// writes that file into the state folder of the dev and test stack, whose sign-in goes to
// the fake WeChat server: {"test_signin": true} turns on the "测试登录" box. A production
// nginx serves no such file (404), so the box does not exist there.
let loaded = null

export function consoleConfig() {
  if (!loaded) {
    loaded = fetch('/console-config.json', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
  }
  return loaded
}
