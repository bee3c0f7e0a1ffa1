# ---- C API (include/lumen/lumen.h): in the static library and as a shared library ----
# The C entry points are compiled once (position independent) and go into both
#   liblumen.a      (target lumen, with the C++ API; what the tests link), and
#   liblumen.so.1   (target lumen_c, soname = C ABI major version): exports only
#                    lumen_* symbols (version script), the C++ code stays inside.
set(LUMEN_C_ABI_VERSION 1)  # = LUMEN_API_VERSION_MAJOR in include/lumen/lumen.h
add_library(lumen_c_api OBJECT
  src/c_api/c_errors.cpp
  src/c_api/c_model.cpp
  src/c_api/c_tokens.cpp
  src/c_api/c_session.cpp
  src/c_api/c_sampler.cpp
  src/c_api/c_chat.cpp)
target_include_directories(lumen_c_api PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_features(lumen_c_api PRIVATE cxx_std_20)
target_compile_options(lumen_c_api PRIVATE -Wall -Wextra)
target_compile_definitions(lumen_c_api PRIVATE LUMEN_VERSION_STRING="${PROJECT_VERSION}")
set_target_properties(lumen_c_api PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON)
target_sources(lumen PRIVATE $<TARGET_OBJECTS:lumen_c_api>)

add_library(lumen_c SHARED $<TARGET_OBJECTS:lumen_c_api>)
add_library(lumen::lumen_c ALIAS lumen_c)
target_link_libraries(lumen_c PRIVATE lumen)
target_include_directories(lumen_c INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
if(WIN32)
  # lumen.dll + import library liblumen.dll.a. The exports are the functions lumen.h
  # marks __declspec(dllexport) (LUMEN_C_API_EXPORTS), which turns off GNU ld's
  # export-everything default; -static puts the C++, threads and OpenMP runtimes
  # inside, so the DLL needs only Windows' own DLLs.
  target_compile_definitions(lumen_c_api PRIVATE LUMEN_C_API_EXPORTS)
  target_link_options(lumen_c PRIVATE -static -Wl,--exclude-all-symbols)
  set_target_properties(lumen_c PROPERTIES OUTPUT_NAME lumen PREFIX "")
  install(TARGETS lumen_c EXPORT lumenTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
else()
  # liblumen.so.1: the exports come from a GNU ld version script.
  target_link_options(lumen_c PRIVATE "-Wl,--version-script=${CMAKE_CURRENT_SOURCE_DIR}/cmake/lumen_c_api.map"
    -Wl,--no-undefined)
  set_target_properties(lumen_c PROPERTIES OUTPUT_NAME lumen VERSION ${LUMEN_C_ABI_VERSION}.0.0
    SOVERSION ${LUMEN_C_ABI_VERSION} LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/lumen_c_api.map)
  install(TARGETS lumen_c EXPORT lumenTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

# pkg-config: relocatable (paths relative to the .pc file), so --prefix works.
file(RELATIVE_PATH LUMEN_PC_TO_PREFIX "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" LUMEN_PC_TO_PREFIX "${LUMEN_PC_TO_PREFIX}")
set(LUMEN_PC_OPENMP "")
if(LUMEN_OPENMP)
  set(LUMEN_PC_OPENMP "-fopenmp")
endif()
configure_file(cmake/lumen.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lumen.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lumen.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
