# cmake -DDIR=sdk/schemas -DOUT=file.cpp -P embed_schemas.cmake: writes every DIR/*.json into a
# table of (file name, text) for cx::schema::OpSchemas::builtin().
file(GLOB files ${DIR}/*.json)
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"cxschema(${text})cxschema\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from sdk/schemas by embed_schemas.cmake; do not edit.\n#include \"validate/op_schema.hpp\"\n\nnamespace cx::schema {\nconst std::vector<std::pair<std::string_view, std::string_view>>& embedded_schema_documents() {\n  static const std::vector<std::pair<std::string_view, std::string_view>> kDocs = {\n${body}  };\n  return kDocs;\n}\n}  // namespace cx::schema\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
