# cmake -DIN=page.html -DOUT=page.cc -P embed.cmake: the page template as a C string, so that
# strec-report is one file and the page is edited as HTML.
file(READ "${IN}" content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE "${OUT}" "// Generated from ${IN} by embed.cmake.\nnamespace strec::report {\nextern const unsigned char kPageTemplate[];\nconst unsigned char kPageTemplate[] = {${bytes} 0};\n}  // namespace strec::report\n")
