/* libFuzzer target: the code2Session reply parser (WeChat's reply is outside input too). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth/wechat.h"
#include "http/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ss_wx_session s;
    memset(&s, 0x5a, sizeof s);
    const char *code = NULL;
    int rc = ss_wx_parse_reply((const char *)data, size, &s, &code);
    if (rc == SS_OK) {
        if (code || !s.openid[0] || !s.session_key[0] || strlen(s.openid) > SS_WX_FIELD_MAX) __builtin_trap();
    } else {
        if (!code) __builtin_trap();
        for (size_t i = 0; i < sizeof s; i++)   /* outputs untouched on failure */
            if (((unsigned char *)&s)[i] != 0x5a) __builtin_trap();
    }
    return 0;
}
