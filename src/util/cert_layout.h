/* The layout of the service-record certificate (志愿服务记录证明, MCA order 67) in one place:
 * page, fonts, every label and where it goes. Edit this file to change how the certificate
 * looks; util/certpdf.c only follows it. Units are PDF points (1/72 inch); A4 is 595.28 x
 * 841.89; y grows downwards from the top edge. */
#ifndef SS_UTIL_CERT_LAYOUT_H
#define SS_UTIL_CERT_LAYOUT_H

#define CERT_PAGE_W 595.28
#define CERT_PAGE_H 841.89
#define CERT_MARGIN 56.0

/* fontconfig names: Debian's fonts-noto-cjk */
#define CERT_FONT_TITLE "Noto Serif CJK SC Bold 24"
#define CERT_FONT_BODY "Noto Sans CJK SC 11"
#define CERT_FONT_SMALL "Noto Sans CJK SC 9"
#define CERT_FONT_TABLE "Noto Sans CJK SC 9.5"

#define CERT_TITLE "志愿服务记录证明"
#define CERT_TITLE_Y 64.0

/* the person: one line each, label and value, from CERT_FIELDS_Y down by CERT_LINE_H */
#define CERT_FIELDS_Y 128.0
#define CERT_LINE_H 20.0
#define CERT_VALUE_X 112.0          /* values start this far right of their labels' left edge */
#define CERT_LABEL_NAME "姓　　名："
#define CERT_LABEL_ID_TYPE "证件类型："
#define CERT_ID_TYPE "居民身份证"
#define CERT_LABEL_ID_NUMBER "证件号码："
#define CERT_LABEL_VOLUNTEER_NUMBER "志愿者编号："
#define CERT_LABEL_PERIOD "记录期间："
#define CERT_LABEL_TOTAL "服务时长合计："
#define CERT_TOTAL_FORMAT "%s 小时（%ld 分钟）"
#define CERT_PERIOD_ALL "全部记录"

/* the activities table: columns (x offsets from the margin) and headers */
#define CERT_TABLE_GAP 18.0
#define CERT_ROW_H 17.0
#define CERT_COL_DATE 0.0
#define CERT_COL_TITLE 72.0
#define CERT_COL_ORG 262.0
#define CERT_COL_MINUTES 408.0
#define CERT_HEAD_DATE "日期"
#define CERT_HEAD_TITLE "活动"
#define CERT_HEAD_ORG "组织"
#define CERT_HEAD_MINUTES "时长（分钟）"
#define CERT_NO_RECORDS "（期间内无志愿服务记录）"
#define CERT_TITLE_MAX_W 182.0     /* longer titles and names are cut with an ellipsis */
#define CERT_ORG_MAX_W 150.0

/* the statement and the issuer, at the foot of the last page */
#define CERT_STATEMENT "兹证明上述志愿者的志愿服务记录属实。本证明依据《志愿服务记录与证明出具办法》出具，可扫描二维码核验真伪。"
#define CERT_FOOT_Y 640.0
#define CERT_LABEL_ISSUER "出具单位："
#define CERT_LABEL_IN_CHARGE "负  责  人："
#define CERT_LABEL_HANDLER "经  办  人："
#define CERT_LABEL_CONTACT "联系方式："
#define CERT_LABEL_NUMBER "证明编号："
#define CERT_LABEL_ISSUED "出具日期："
#define CERT_HANDLER_DEFAULT "系统依申请出具"
#define CERT_CONTACT_DEFAULT "扫描右侧二维码在线核验"
#define CERT_ISSUER_PLATFORM "三社联动社区志愿服务平台"

/* the QR code of the verification URL, bottom right */
#define CERT_QR_SIZE 110.0
#define CERT_QR_X (CERT_PAGE_W - CERT_MARGIN - CERT_QR_SIZE)
#define CERT_QR_Y (CERT_FOOT_Y + 10.0)
#define CERT_QR_CAPTION "扫码核验"

#endif
