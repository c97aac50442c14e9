eval --facts - --bind x=@- -- x
