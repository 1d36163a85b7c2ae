// libqrencode (Debian: libqrencode-dev), the QR encoder the printed questionnaires use.
#include <qrencode.h>
