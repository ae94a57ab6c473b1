// libpq, PostgreSQL's own client library (Debian's libpq-dev puts the header under postgresql/).
#include <postgresql/libpq-fe.h>
